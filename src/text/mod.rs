//! Text that comes from the logs, made safe wherever tokenledger shows it: terminal control
//! characters, spreadsheet formulas, API keys. Layer 0: pure functions, no I/O.

pub mod lines;

/// Text from the logs made safe for a terminal: control characters (which could move the
/// cursor, retitle the window or clear the screen) become `�`.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        std::borrow::Cow::Owned(
            s.chars()
                .map(|c| if c.is_control() { '\u{fffd}' } else { c })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Prefixes a cell that starts with `=`, `+`, `-`, `@`, tab or CR with `'` so spreadsheets show
/// it as text; plain numbers (like `-5`) are left alone.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    );
    if risky && !is_plain_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// `-12`, `+3.5`, `0.25`: digits with an optional sign and one decimal point, nothing else.
fn is_plain_number(cell: &str) -> bool {
    let body = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let mut parts = body.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// A short, stable fingerprint of an API key: never the whole key.
pub fn key_fingerprint(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() >= 12 {
        // The last 4 characters are what key dashboards show; a short hash keeps two keys that
        // share them apart.
        let tail: String = chars[chars.len() - 4..].iter().collect();
        let h = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
        format!("…{tail}#{:04x}", (h >> 48) as u16)
    } else {
        // Too short to show any of it safely: a hash prefix still tells keys apart.
        let h = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
        format!("key-{:08x}", (h >> 32) as u32)
    }
}

/// Whether `s` matches `pattern`, where `*` stands for any run of characters (including none)
/// and everything else matches itself, case-sensitively. Used for model and region patterns in
/// the price book's rules.
pub fn glob_match(pattern: &str, s: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), s.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1+2"), "'+1+2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("-5"), "-5");
        assert_eq!(neutralise("-1.25"), "-1.25");
        assert_eq!(neutralise("alice"), "alice");
        assert_eq!(neutralise("-inf"), "'-inf");
        assert_eq!(neutralise("+NaN"), "'+NaN");
        assert_eq!(neutralise("-1e5"), "'-1e5");
    }

    #[test]
    fn api_keys_are_never_shown_whole() {
        assert!(key_fingerprint("sk-proj-abcdefghijklmnop").starts_with("…mnop#"));
        assert_ne!(
            key_fingerprint("sk-proj-AAAAAAAAAAAA1234"),
            key_fingerprint("sk-proj-BBBBBBBBBBBB1234")
        );
        let short = key_fingerprint("abc123");
        assert!(!short.contains("abc123"));
        assert_eq!(short, key_fingerprint("abc123"), "stable");
        assert_ne!(short, key_fingerprint("abc124"));
    }

    #[test]
    fn globs_match_stars_only() {
        assert!(glob_match("claude-*-4.5", "claude-sonnet-4.5"));
        assert!(glob_match("*", ""));
        assert!(glob_match("us-*", "us-east5"));
        assert!(!glob_match("us-*", "europe-west1"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
        assert!(glob_match("gpt-5.4*", "gpt-5.4"));
        assert!(!glob_match("gpt-5.4", "gpt-5.45"));
    }
}
