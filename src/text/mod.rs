//! Text that comes from the logs, made safe wherever tokenledger shows it: terminal control
//! characters, spreadsheet formulas, API keys. Layer 0: pure functions, no I/O.

pub mod json;
pub mod lines;
pub mod shared;

/// Text from the logs made safe for a terminal: control characters (which could move the
/// cursor, retitle the window or clear the screen) and bidirectional overrides (which make
/// text read backwards, U+202E) become `�`.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(unsafe_char) {
        std::borrow::Cow::Owned(
            s.chars()
                .map(|c| if unsafe_char(c) { '\u{fffd}' } else { c })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// C0 and C1 controls, DEL, and the bidirectional embedding, override and isolate marks.
pub fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
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

/// Whether `value` is a fingerprint [`key_fingerprint`] made of a long key: `…` + 4 characters
/// + `#` + 4 hex digits.
pub fn is_fingerprint(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('…') else {
        return false;
    };
    let chars: Vec<char> = rest.chars().collect();
    chars.len() == 9 && chars[4] == '#' && chars[5..].iter().all(char::is_ascii_hexdigit)
}

/// Whether a column or attribute name holds credentials: `api_key`, `API-KEY`, `apiKey`,
/// `x-api-key`, `openai.api_key`, `authorization`, `secret`, `password`, `access_key`...
/// (ASCII case and separators ignored; credential names are ASCII).
pub fn is_secret_name(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    n.ends_with("apikey")
        || n.ends_with("secret")
        || [
            "authorization",
            "password",
            "accesskey",
            "secretkey",
            "sessiontoken",
            "bearer",
        ]
        .iter()
        .any(|k| n.contains(k))
}

/// Whether a value has the shape of a credential: provider key prefixes (`sk-`, `sk-ant-`,
/// `xai-`, `gsk_`, `AIza`, `ghp_`), AWS access key ids (`AKIA`/`ASIA` + 16), `Bearer ...`, or
/// a JSON web token.
pub fn looks_secret(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 12 {
        return false;
    }
    let alnum_tail = |s: &str| {
        s.len() >= 8
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    };
    for p in [
        "sk-", "sk_", "xai-", "gsk_", "ghp_", "AIza", "rk_live_", "pk_live_",
    ] {
        if let Some(rest) = v.strip_prefix(p) {
            return alnum_tail(rest);
        }
    }
    if let Some(rest) = v.strip_prefix("AKIA").or_else(|| v.strip_prefix("ASIA")) {
        return rest.len() >= 16
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    }
    let lower = v.to_ascii_lowercase();
    if lower.starts_with("bearer ") || lower.starts_with("basic ") {
        return true;
    }
    // A JSON web token: three base64url parts, the first a JSON object ("eyJ").
    v.starts_with("eyJ") && v.split('.').count() == 3
}

/// `text` with every credential-shaped word fingerprinted (see [`looks_secret`]), wherever it
/// stands: a whole value (a key shifted into the `model` column), a word of a message, a part
/// of a file path (`logs/sk-proj-.../x.jsonl`). A word is a run of letters, digits, `-` and
/// `_` (a JSON web token: with its two dots).
pub fn redact_secrets(text: &str) -> std::borrow::Cow<'_, str> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    // Quick exit: nothing long enough to be a key.
    if text.len() < 12 {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut changed = false;
    let mut last = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let c = bytes[i] as char;
        if !(c.is_ascii() && word(c)) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i] as char).is_ascii() && word(bytes[i] as char) {
            i += 1;
        }
        let mut end = i;
        // A JSON web token continues over its dots: eyJ....eyJ....sig
        if text[start..end].starts_with("eyJ") {
            let mut j = end;
            let mut dots = 0;
            while j < bytes.len()
                && (bytes[j] == b'.' || ((bytes[j] as char).is_ascii() && word(bytes[j] as char)))
            {
                dots += usize::from(bytes[j] == b'.');
                j += 1;
            }
            if dots == 2 {
                end = j;
                i = j;
            }
        }
        // `Bearer <token>`: the token after the word.
        let w = &text[start..end];
        if looks_secret(w) {
            out.push_str(&text[last..start]);
            out.push_str(&key_fingerprint(w));
            last = end;
            changed = true;
        }
    }
    if !changed {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

/// A value from the logs as shown in a dimension named `name`: fingerprinted when the name or
/// the value says it is a credential.
pub fn shown_value(name: &str, value: &str) -> String {
    if is_fingerprint(value) {
        // Already fingerprinted where it was read (see `redact_secrets`): once is enough.
        value.to_string()
    } else if is_secret_name(name) || looks_secret(value) {
        key_fingerprint(value)
    } else {
        value.to_string()
    }
}

/// The longest quoted value a rejection message repeats (characters).
pub const QUOTE_MAX: usize = 40;

/// A rejection message made safe to print and keep: credential-shaped words fingerprinted,
/// every quoted value cut to [`QUOTE_MAX`] characters (a shifted row can put a whole prompt or
/// a key into a field), the whole message to 400 characters.
pub fn safe_reason(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len().min(512));
    let mut rest = reason;
    // Quoted parts: `"..."` as `{:?}` writes them (escaped quotes inside).
    while let Some(start) = rest.find('"') {
        out.push_str(&redact_words(&rest[..start]));
        let body = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else {
            out.push('"');
            out.push_str(&cut(&redact_words(body), QUOTE_MAX));
            rest = "";
            break;
        };
        let inner = &body[..end];
        out.push('"');
        if looks_secret(inner) {
            out.push_str(&key_fingerprint(inner));
        } else {
            out.push_str(&cut(&redact_words(inner), QUOTE_MAX));
        }
        out.push('"');
        rest = &body[end + 1..];
    }
    out.push_str(&redact_words(rest));
    cut(&out, 400)
}

fn redact_words(s: &str) -> String {
    if !s.split_whitespace().any(looks_secret) && !s.contains("Bearer ") {
        return s.to_string();
    }
    let mut out = Vec::new();
    let mut words = s.split(' ').peekable();
    while let Some(w) = words.next() {
        if w.eq_ignore_ascii_case("bearer") {
            if let Some(next) = words.next() {
                out.push(format!("{w} {}", key_fingerprint(next)));
                continue;
            }
        }
        out.push(if looks_secret(w) {
            key_fingerprint(w)
        } else {
            w.to_string()
        });
    }
    out.join(" ")
}

/// At most `max` characters, with `…(N characters)` when cut.
fn cut(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        s.to_string()
    } else {
        let head: String = s.chars().take(max).collect();
        format!("{head}…({n} characters)")
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

/// The candidate `typed` was most likely meant to be, for "did you mean" hints: the nearest by
/// edits (a character wrong, missing, extra, or two swapped; case ignored) among those within
/// `within(candidate)` edits, the alphabetically first on a tie.
pub fn nearest<'a>(
    candidates: impl IntoIterator<Item = &'a str>,
    typed: &str,
    within: impl Fn(&str) -> usize,
) -> Option<&'a str> {
    let typed = typed.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&c.to_lowercase(), &typed), c))
        .filter(|(d, c)| *d <= within(c))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fingerprinted_wherever_they_stand() {
        let key = "sk-proj-AAAAbbbbCCCCddddEEEEffff0000111122223333";
        for text in [
            key.to_string(),
            format!("UNPRICED openai/{key}: 1 request"),
            format!("/logs/{key}/requests.jsonl"),
            format!("model={key},"),
        ] {
            let r = redact_secrets(&text);
            assert!(!r.contains(key), "{r}");
            assert!(r.contains(&key_fingerprint(key)), "{r}");
        }
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop";
        assert!(!redact_secrets(&format!("token {jwt} here")).contains(jwt));
        // Ordinary ids are left alone.
        for s in [
            "gpt-4o-2024-08-06",
            "us.anthropic.claude-sonnet-4-20250514-v1:0",
            "accounts/fireworks/models/llama-v3p1-8b-instruct",
            "/work/data/requests-2025-05.csv",
        ] {
            assert_eq!(redact_secrets(s), s);
        }
    }

    #[test]
    fn credentials_are_told_by_name_and_by_shape() {
        for n in [
            "api_key",
            "API_KEY",
            "apiKey",
            "x-api-key",
            "openai.api_key",
            "Authorization",
            "client_secret",
            "aws_secret_access_key",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in ["user", "project", "model", "input_tokens", "team"] {
            assert!(!is_secret_name(n), "{n}");
        }
        for v in [
            "sk-proj-abcdefghijklmnop",
            "sk-ant-api03-abcdefghij",
            "xai-abcdefghijklmn",
            "AKIAIOSFODNN7EXAMPLE",
            "Bearer abc.def",
            "eyJhbGciOi.eyJzdWIiOi.sig",
            "gsk_abcdefghijklmnop",
        ] {
            assert!(looks_secret(v), "{v}");
        }
        for v in [
            "gpt-4o-mini",
            "claude-sonnet-4-20250514",
            "alice@example.com",
            "0d9f8e7c-1234-4abc-9def-001122334455",
            "skip-this-value",
        ] {
            assert!(!looks_secret(v), "{v}");
        }
        assert_eq!(shown_value("apiKey", "abc"), key_fingerprint("abc"));
        assert_eq!(shown_value("user", "alice"), "alice");
        // A value fingerprinted where it was read is shown as it is, not hashed again.
        let once = key_fingerprint("sk-alice-000000000001");
        assert!(is_fingerprint(&once));
        assert_eq!(shown_value("api_key", &once), once);
        assert!(!is_fingerprint("…0001#12g4"));
    }

    #[test]
    fn rejection_messages_quote_little_and_no_keys() {
        let key = "sk-proj-AAAAAAAAAAAAAAAAAAAAAAAA1234";
        let r = safe_reason(&format!("{key:?} is not a non-negative integer"));
        assert!(!r.contains("AAAAAAAA"), "{r}");
        assert!(r.contains("…1234#"), "{r}");
        let long = "x".repeat(5000);
        let r = safe_reason(&format!("cannot parse {long:?} as a timestamp"));
        assert!(r.len() < 200, "{r}");
        assert!(r.contains("(5000 characters)"), "{r}");
        assert_eq!(
            safe_reason("\"12.5\" is not a whole number"),
            "\"12.5\" is not a whole number"
        );
        let r = safe_reason("header Authorization: Bearer abcdefghijklmnopqrstuvwxyz");
        assert!(!r.contains("abcdefghijklmnop"), "{r}");
    }

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

    #[test]
    fn nearest_is_the_closest_within_the_bound_case_ignored() {
        let names = ["openai", "anthropic", "aws-bedrock"];
        assert_eq!(super::nearest(names, "opnai", |_| 2), Some("openai"));
        assert_eq!(super::nearest(names, "OpenAI", |_| 0), Some("openai"));
        assert_eq!(super::nearest(names, "mistral", |_| 2), None);
        assert_eq!(
            super::nearest(["ac", "ab"], "aa", |_| 1),
            Some("ab"),
            "a tie"
        );
    }
}
