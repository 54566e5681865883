//! `--where` filters: keep only the usage whose dimension matches (or, with `!=`, does not
//! match) one of some patterns. `*` in a pattern stands for any run of characters; matching
//! ignores ASCII case. Shared by every command that reads usage, and evaluated once per group in
//! the engine (the dimension is part of the group key), so a filter costs nothing per row.

use super::col;

/// One `--where` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Where {
    /// A dimension: `provider`, `model`, `canonical_model`, `user`, `project`, `api_key`,
    /// `region`, `status`, `batch`, `service_tier` or an extra log column.
    pub dim: String,
    /// `!=`: keep what matches none of the patterns.
    pub negate: bool,
    pub patterns: Vec<String>,
}

/// A `--where` value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhereError {
    #[error("{0:?}: expected DIM=PATTERN[,PATTERN...] or DIM!=PATTERN[,...], e.g. provider=aws-bedrock or model=*llama*")]
    Syntax(String),
    #[error("{0:?} is a measure or unique per row, not a dimension")]
    NotADimension(String),
    #[error("{0:?}: filter time with --month or --from/--to")]
    Time(String),
}

impl Where {
    /// Parses `DIM=P1,P2` or `DIM!=P1,P2`.
    pub fn parse(s: &str) -> Result<Where, WhereError> {
        let (dim, negate, rest) = match s.split_once("!=") {
            Some((d, r)) => (d, true, r),
            None => match s.split_once('=') {
                Some((d, r)) => (d, false, r),
                None => return Err(WhereError::Syntax(s.to_string())),
            },
        };
        let dim = dim.trim();
        let patterns: Vec<String> = rest
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if dim.is_empty() || patterns.is_empty() {
            return Err(WhereError::Syntax(s.to_string()));
        }
        if col::NOT_DIMENSIONS.contains(&dim) {
            return Err(WhereError::NotADimension(dim.to_string()));
        }
        if matches!(dim, "month" | "day" | col::TIMESTAMP) {
            return Err(WhereError::Time(dim.to_string()));
        }
        Ok(Where {
            dim: dim.to_string(),
            negate,
            patterns,
        })
    }

    /// Whether usage with these values of the dimension is kept (a dimension can have several
    /// names for one value: the model as logged and as priced, an API key and its fingerprint).
    /// An absent value matches no pattern.
    pub fn keeps(&self, values: &[Option<&str>]) -> bool {
        // Case is ignored in all of Unicode (`Ü` matches `ü`), by each character's lowercase
        // mapping; a character whose case pair is two characters (`ß`/`SS`) matches only itself.
        let hit = values.iter().flatten().any(|v| {
            let v = v.to_lowercase();
            self.patterns
                .iter()
                .any(|p| crate::text::glob_match(&p.to_lowercase(), &v))
        });
        hit != self.negate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_matches() {
        let w = Where::parse("provider=aws-bedrock,groq").unwrap();
        assert!(!w.negate);
        assert!(w.keeps(&[Some("aws-bedrock")]));
        assert!(w.keeps(&[Some("GROQ")]));
        // Beyond ASCII too.
        let u = Where::parse("user=ÉLODIE,*ÜBER*").unwrap();
        assert!(u.keeps(&[Some("élodie")]));
        assert!(u.keeps(&[Some("team-über-alles")]));
        assert!(!u.keeps(&[Some("elodie")]));
        assert!(!w.keeps(&[Some("together")]));
        assert!(!w.keeps(&[None]));
        let m = Where::parse(" model = *llama* ").unwrap();
        assert!(m.keeps(&[Some("us.meta.llama3-3-70b-instruct-v1:0")]));
        assert!(m.keeps(&[Some("x"), Some("Llama-3.3-70B")]));
        let not = Where::parse("user!=bot-*").unwrap();
        assert!(not.negate);
        assert!(not.keeps(&[Some("alice")]));
        assert!(!not.keeps(&[Some("bot-7")]));
        assert!(not.keeps(&[None]), "no user is not a bot");
    }

    #[test]
    fn rejects_what_it_cannot_use() {
        for bad in ["provider", "=x", "model=", "model=,", ""] {
            assert!(
                matches!(Where::parse(bad), Err(WhereError::Syntax(_))),
                "{bad}"
            );
        }
        assert_eq!(
            Where::parse("input_tokens=5"),
            Err(WhereError::NotADimension("input_tokens".into()))
        );
        assert_eq!(
            Where::parse("month=2025-06"),
            Err(WhereError::Time("month".into()))
        );
    }
}
