//! The embeddable player's rules: which origins may frame it (normalised as browsers serialise
//! them), the host site's learner tokens (HS256 JWTs), and the opaque ids a host keeps records by.

use std::net::{Ipv4Addr, Ipv6Addr};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::auth::hex;
use crate::error::AppError;

/// Most origins an institution may allow.
pub const MAX_ORIGINS: usize = 20;
/// Most characters of one origin.
pub const MAX_ORIGIN_CHARS: usize = 200;
/// The `aud` every learner token must name.
pub const AUDIENCE: &str = "jieti-embed";
/// Longest token accepted, bytes.
pub const MAX_TOKEN_BYTES: usize = 4096;
/// Clock difference tolerated between the host site and us, seconds.
pub const LEEWAY_SECS: i64 = 30;
/// Furthest ahead `exp` may be: a leaked token must not stay useful for long.
pub const MAX_TOKEN_LIFETIME_SECS: i64 = 24 * 3600;
/// Most characters of `sub`.
pub const MAX_SUBJECT_CHARS: usize = 128;
/// Most characters of `name`.
pub const MAX_NAME_CHARS: usize = 60;
/// An exchanged session lives a week: the host hands out a new token on every visit, and a week
/// leaves progress recorded offline time to sync.
pub const EMBED_SESSION_TTL_SECS: i64 = 7 * 24 * 3600;

/// A new embed secret: base64url (no padding) of 32 random bytes.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The `Content-Security-Policy` value that lets only us and `origins` frame a page.
pub fn frame_ancestors(origins: &[String]) -> String {
    let mut csp = String::from("frame-ancestors 'self'");
    for o in origins {
        csp.push(' ');
        csp.push_str(o);
    }
    csp
}

// ---------------------------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------------------------

/// Normalises one allowlist entry to `scheme://host[:port]` as a browser serialises an origin
/// (lower case, default port dropped), or says what is wrong with it.
pub fn normalize_origin(input: &str) -> Result<String, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("empty: give an origin like https://school.example.edu".into());
    }
    if s.chars().count() > MAX_ORIGIN_CHARS {
        return Err(format!(
            "longer than {MAX_ORIGIN_CHARS} characters; an origin is only scheme://host[:port]"
        ));
    }
    if s == "null" || s == "*" {
        return Err(format!(
            "{s:?} would let any page frame the player; list each origin like https://school.example.edu"
        ));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains whitespace or control characters".into());
    }
    if s.contains('*') {
        return Err("wildcards are not allowed; list each origin".into());
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err(
            "not an origin: expected scheme://host[:port], like https://school.example.edu".into(),
        );
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err("the scheme must be http or https".into());
    }
    // A browser's origin has no trailing slash; people often copy one from the address bar.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#', '\\']) {
        return Err("an origin has no path, query or fragment: only scheme://host[:port]".into());
    }
    if rest.contains('@') {
        return Err("an origin has no user info (user@)".into());
    }
    if !rest.is_ascii() {
        return Err("write an international domain name in its punycode (xn--) form".into());
    }
    let (host, port) = split_host_port(rest)?;
    let host = normalize_host(host)?;
    let port = match port {
        None => None,
        Some(p) => {
            let n = (!p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
                .filter(|n| (1..=65535).contains(n))
                .ok_or("the port must be a number from 1 to 65535")?;
            let default = if scheme == "http" { 80 } else { 443 };
            (n != default).then_some(n)
        }
    };
    Ok(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

/// Splits `host[:port]`, where the host may be a bracketed IPv6 address.
fn split_host_port(rest: &str) -> Result<(&str, Option<&str>), String> {
    if rest.starts_with('[') {
        let end = rest
            .find(']')
            .ok_or("an IPv6 address needs its closing bracket")?;
        let (host, after) = rest.split_at(end + 1);
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err("only :port may follow an IPv6 address".into()),
            },
        };
    }
    match rest.rsplit_once(':') {
        Some((host, _)) if host.contains(':') => {
            Err("write an IPv6 address in brackets, like http://[::1]:8080".into())
        }
        Some((host, port)) => Ok((host, Some(port))),
        None => Ok((rest, None)),
    }
}

/// Checks a host (DNS name, IPv4, or bracketed IPv6) and returns it lower-cased and canonical.
fn normalize_host(host: &str) -> Result<String, String> {
    if host.is_empty() {
        return Err("the host is missing".into());
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner
            .parse::<Ipv6Addr>()
            .map(|ip| format!("[{ip}]"))
            .map_err(|_| "not a valid IPv6 address".into());
    }
    let host = host.to_ascii_lowercase();
    // Browsers read a host whose last label is a number as an IPv4 address (even `0x7f.1`), so
    // such a host must be a plain dotted quad to mean what it says.
    let last = host.rsplit('.').next().unwrap_or("");
    let numeric = (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || last
            .strip_prefix("0x")
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
    if numeric {
        return host
            .parse::<Ipv4Addr>()
            .map(|ip| ip.to_string())
            .map_err(|_| {
                "not a valid IPv4 address (four numbers 0 to 255, no leading zeros)".into()
            });
    }
    if host.len() > 253 {
        return Err("the host name is longer than 253 characters".into());
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Err("the host name has an empty label (.. or a dot at an end)".into());
        }
        if label.len() > 63 {
            return Err("a part of the host name is longer than 63 characters".into());
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("a host name has only letters, digits, hyphens and dots".into());
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a part of the host name cannot start or end with a hyphen".into());
        }
    }
    Ok(host)
}

/// Normalises a whole allowlist: a 400 naming `origins[i]` for the first bad entry; duplicates
/// (after normalisation) kept once, in the order given.
pub fn normalize_origins(list: &[String]) -> Result<Vec<String>, AppError> {
    if list.len() > MAX_ORIGINS {
        return Err(AppError::bad_field(
            "origins",
            format!("at most {MAX_ORIGINS} origins"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for (i, entry) in list.iter().enumerate() {
        let origin = normalize_origin(entry)
            .map_err(|m| AppError::bad_field(&format!("origins[{i}]"), m))?;
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Learner tokens
// ---------------------------------------------------------------------------------------------

/// Why a learner token was refused. The message names the problem, never the token's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError(pub String);

impl TokenError {
    fn new(message: impl Into<String>) -> Self {
        TokenError(message.into())
    }
}

impl From<TokenError> for AppError {
    fn from(e: TokenError) -> Self {
        AppError::Unauthorized(format!("embed token refused: {}", e.0))
    }
}

/// A well-formed HS256 token whose signature is not checked yet: `issuer` picks the secret.
#[derive(Debug)]
pub struct UnverifiedToken<'a> {
    /// The `iss` claim: the institution whose secret must have signed the token.
    pub issuer: String,
    signing_input: &'a str,
    signature: Vec<u8>,
    claims: Map<String, Value>,
}

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedClaims {
    /// The institution (`iss`).
    pub issuer: String,
    /// The host site's own user id (`sub`).
    pub subject: String,
    /// A display name (`name`), trimmed; None when absent or blank.
    pub name: Option<String>,
}

fn decode_part(part: &str, what: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::new(format!("the {what} is not base64url without padding")))
}

fn decode_object(part: &str, what: &str) -> Result<Map<String, Value>, TokenError> {
    let bytes = decode_part(part, what)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(TokenError::new(format!("the {what} is not a JSON object"))),
    }
}

/// Reads a compact JWS: its shape, header (HS256 only) and claims, before the secret is known.
pub fn parse_token(token: &str) -> Result<UnverifiedToken<'_>, TokenError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(TokenError::new(format!(
            "longer than {MAX_TOKEN_BYTES} bytes"
        )));
    }
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err(TokenError::new(
            "not a compact JWS (header.payload.signature)",
        ));
    };
    let header_fields = decode_object(header, "header")?;
    // Only HS256: `none` or an asymmetric alg would let anyone sign (alg confusion).
    if header_fields.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(TokenError::new("the header's alg must be HS256"));
    }
    if header_fields
        .get("typ")
        .is_some_and(|t| t.as_str() != Some("JWT"))
    {
        return Err(TokenError::new("the header's typ, when given, must be JWT"));
    }
    // RFC 7515: extensions marked critical that we do not implement make the token invalid.
    if header_fields.contains_key("crit") {
        return Err(TokenError::new(
            "the header lists crit extensions this server does not support",
        ));
    }
    let claims = decode_object(payload, "payload")?;
    let issuer = match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if !iss.is_empty() => iss.to_owned(),
        _ => {
            return Err(TokenError::new(
                "iss (the institution id) is missing or not a string",
            ))
        }
    };
    let signature = decode_part(signature, "signature")?;
    Ok(UnverifiedToken {
        issuer,
        signing_input: &token[..header.len() + 1 + payload.len()],
        signature,
        claims,
    })
}

/// A claim that must be a NumericDate (Unix seconds; JSON allows fractions).
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>, TokenError> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or_else(|| TokenError::new(format!("{name} must be a number of Unix seconds"))),
    }
}

impl UnverifiedToken<'_> {
    /// Checks the signature with `secret` (its UTF-8 bytes are the key), then the claims at `now`.
    pub fn verify(self, secret: &str, now: i64) -> Result<EmbedClaims, TokenError> {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .map_err(|_| TokenError::new("the institution's embed secret is unusable"))?;
        mac.update(self.signing_input.as_bytes());
        // verify_slice compares in constant time.
        mac.verify_slice(&self.signature).map_err(|_| {
            TokenError::new("the signature does not match the institution's current embed secret")
        })?;
        let c = &self.claims;
        let subject = c
            .get("sub")
            .and_then(Value::as_str)
            .filter(|s| (1..=MAX_SUBJECT_CHARS).contains(&s.chars().count()))
            .ok_or_else(|| {
                TokenError::new(format!(
                    "sub (the user id) must be a string of 1 to {MAX_SUBJECT_CHARS} characters"
                ))
            })?
            .to_owned();
        let audience_ok = match c.get("aud") {
            Some(Value::String(a)) => a == AUDIENCE,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(AUDIENCE)),
            _ => false,
        };
        if !audience_ok {
            return Err(TokenError::new(format!(
                "aud must be {AUDIENCE:?} (or a list containing it)"
            )));
        }
        let exp = numeric_date(c, "exp")?.ok_or_else(|| TokenError::new("exp is missing"))?;
        if exp <= (now - LEEWAY_SECS) as f64 {
            return Err(TokenError::new("the token has expired (exp)"));
        }
        if exp > (now + MAX_TOKEN_LIFETIME_SECS) as f64 {
            return Err(TokenError::new(
                "exp is more than 24 hours ahead; issue short-lived tokens",
            ));
        }
        if numeric_date(c, "nbf")?.is_some_and(|nbf| nbf > (now + LEEWAY_SECS) as f64) {
            return Err(TokenError::new("the token is not valid yet (nbf)"));
        }
        numeric_date(c, "iat")?;
        let name = match c.get("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(n)) => {
                let n = n.trim();
                if n.chars().count() > MAX_NAME_CHARS || n.chars().any(char::is_control) {
                    return Err(TokenError::new(format!(
                        "name must be at most {MAX_NAME_CHARS} characters, without control characters"
                    )));
                }
                (!n.is_empty()).then(|| n.to_owned())
            }
            Some(_) => return Err(TokenError::new("name must be a string")),
        };
        Ok(EmbedClaims {
            issuer: self.issuer,
            subject,
            name,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Opaque ids for the host's records
// ---------------------------------------------------------------------------------------------

/// 32 hex characters naming `learner_id` to the institution whose salt this is, and no other.
pub fn actor_name(actor_salt: &str, learner_id: &str) -> String {
    let digest = Sha256::digest(format!("{actor_salt}:{learner_id}").as_bytes());
    hex(&digest[..16])
}

/// A stable UUID (RFC 9562 version 8, hash-based) for a learner's registration in a course.
pub fn registration(actor_salt: &str, learner_id: &str, course_id: &str) -> String {
    let digest = Sha256::digest(format!("{actor_salt}:{learner_id}:{course_id}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // variant 10xx
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn origins_are_normalised_as_browsers_serialise_them() {
        for (input, want) in [
            ("https://school.example.edu", "https://school.example.edu"),
            (
                "  https://school.example.edu/  ",
                "https://school.example.edu",
            ),
            ("HTTPS://School.Example.EDU", "https://school.example.edu"),
            ("https://example.edu:443", "https://example.edu"),
            ("http://example.edu:80", "http://example.edu"),
            ("http://example.edu:443", "http://example.edu:443"),
            ("https://example.edu:80", "https://example.edu:80"),
            ("https://example.edu:8443/", "https://example.edu:8443"),
            ("https://example.edu:08443", "https://example.edu:8443"),
            ("http://localhost:3000", "http://localhost:3000"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://[::1]:8080", "http://[::1]:8080"),
            ("http://[0:0:0:0:0:0:0:1]", "http://[::1]"),
            ("https://[2001:DB8::A]:443", "https://[2001:db8::a]"),
            (
                "https://xn--fiqs8s.xn--55qx5d.cn",
                "https://xn--fiqs8s.xn--55qx5d.cn",
            ),
            ("https://a-b.c-d.example", "https://a-b.c-d.example"),
            ("https://123.example.com", "https://123.example.com"),
        ] {
            assert_eq!(normalize_origin(input).as_deref(), Ok(want), "{input:?}");
        }
    }

    #[test]
    fn bad_origins_are_refused_with_the_problem_named() {
        for (input, problem) in [
            ("", "empty"),
            ("   ", "empty"),
            ("null", "any page"),
            ("*", "any page"),
            ("https://*.example.edu", "wildcard"),
            ("https://exa mple.edu", "whitespace"),
            ("https://example.edu\t/x", "whitespace"),
            ("example.edu", "scheme://host"),
            ("//example.edu", "scheme://host"),
            ("ftp://example.edu", "scheme must be"),
            ("javascript://example.edu", "scheme must be"),
            ("https://example.edu/path", "no path"),
            ("https://example.edu//", "no path"),
            ("https://example.edu/?q=1", "no path"),
            ("https://example.edu?q=1", "no path"),
            ("https://example.edu#top", "no path"),
            ("https://user:pw@example.edu", "user info"),
            ("https://", "host is missing"),
            ("https://:8080", "host is missing"),
            ("https://example.edu:", "port"),
            ("https://example.edu:0", "port"),
            ("https://example.edu:65536", "port"),
            ("https://example.edu:123456", "port"),
            ("https://example.edu:-1", "port"),
            ("https://example.edu:http", "port"),
            ("https://例子.中国", "punycode"),
            ("https://exa_mple.edu", "letters, digits"),
            ("https://-example.edu", "hyphen"),
            ("https://example-.edu", "hyphen"),
            ("https://example..edu", "empty label"),
            ("https://example.edu.", "empty label"),
            ("https://.example.edu", "empty label"),
            ("http://256.1.1.1", "IPv4"),
            ("http://1.2.3", "IPv4"),
            ("http://01.2.3.4", "IPv4"),
            ("http://0x7f.1", "IPv4"),
            ("http://example.0x10", "IPv4"),
            ("http://::1", "brackets"),
            ("http://[::1", "closing bracket"),
            ("http://[::g]", "IPv6"),
            ("http://[::1]x", "only :port"),
            ("http://[fe80::1%25eth0]", "IPv6"),
        ] {
            let err = normalize_origin(input).expect_err(input);
            assert!(err.contains(problem), "{input:?}: {err}");
        }
        let long = format!("https://{}.example.edu", "a".repeat(200));
        assert!(normalize_origin(&long).unwrap_err().contains("200"));
        let label = format!("https://{}.edu", "a".repeat(64));
        assert!(normalize_origin(&label).unwrap_err().contains("63"));
    }

    #[test]
    fn allowlists_name_the_first_bad_entry_and_collapse_duplicates() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ok = normalize_origins(&list(&[
            "https://b.example",
            "https://A.example/",
            "https://b.example:443",
            "https://a.example",
        ]))
        .unwrap();
        assert_eq!(ok, ["https://b.example", "https://a.example"]);
        let err = normalize_origins(&list(&["https://ok.example", "nope", "*"])).unwrap_err();
        assert_eq!(err.body().error.field.as_deref(), Some("origins[1]"));
        let many: Vec<String> = (0..21).map(|i| format!("https://s{i}.example")).collect();
        let err = normalize_origins(&many).unwrap_err();
        assert_eq!(err.body().error.field.as_deref(), Some("origins"));
        assert_eq!(normalize_origins(&many[..20]).unwrap().len(), 20);
        assert_eq!(normalize_origins(&[]).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn frame_ancestors_lists_self_then_the_allowlist() {
        assert_eq!(frame_ancestors(&[]), "frame-ancestors 'self'");
        assert_eq!(
            frame_ancestors(&["https://a.example".into(), "http://b.example:8080".into()]),
            "frame-ancestors 'self' https://a.example http://b.example:8080"
        );
    }

    const SECRET: &str = "test-secret";
    const NOW: i64 = 1_800_000_000;

    fn sign(header: &Value, claims: &Value, secret: &str) -> String {
        let h = URL_SAFE_NO_PAD.encode(header.to_string());
        let p = URL_SAFE_NO_PAD.encode(claims.to_string());
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{h}.{p}").as_bytes());
        let s = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{h}.{p}.{s}")
    }

    fn claims() -> Value {
        json!({"iss": "mabu-code", "sub": "u-1", "aud": AUDIENCE, "exp": NOW + 600, "iat": NOW})
    }

    fn check(token: &str) -> Result<EmbedClaims, TokenError> {
        parse_token(token)?.verify(SECRET, NOW)
    }

    fn with(changes: Value) -> Value {
        let mut c = claims();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    }

    #[test]
    fn a_good_token_verifies() {
        let hs = json!({"alg": "HS256", "typ": "JWT"});
        let got = check(&sign(&hs, &claims(), SECRET)).unwrap();
        assert_eq!(
            got,
            EmbedClaims {
                issuer: "mabu-code".into(),
                subject: "u-1".into(),
                name: None
            }
        );
        let no_typ = json!({"alg": "HS256"});
        let named = with(
            json!({"name": "  Li Hua  ", "aud": ["other", AUDIENCE], "exp": (NOW + 60) as f64 + 0.5}),
        );
        let got = check(&sign(&no_typ, &named, SECRET)).unwrap();
        assert_eq!(got.name.as_deref(), Some("Li Hua"));
        // Within the leeway, and exactly 24 hours ahead.
        for exp in [NOW - 29, NOW + MAX_TOKEN_LIFETIME_SECS] {
            check(&sign(&no_typ, &with(json!({ "exp": exp })), SECRET)).unwrap();
        }
        assert_eq!(
            parse_token(&sign(&no_typ, &claims(), SECRET))
                .unwrap()
                .issuer,
            "mabu-code"
        );
    }

    #[test]
    fn bad_tokens_are_refused_without_echoing_them() {
        let hs = json!({"alg": "HS256", "typ": "JWT"});
        let good = sign(&hs, &claims(), SECRET);
        let (head, rest) = good.split_once('.').unwrap();
        let (_, sig) = rest.split_once('.').unwrap();
        let other_payload = URL_SAFE_NO_PAD.encode(with(json!({"sub": "admin"})).to_string());
        let cases: Vec<(String, &str)> = vec![
            (sign(&hs, &claims(), "another-secret"), "signature"),
            (format!("{head}.{other_payload}.{sig}"), "signature"),
            (format!("{good}="), "base64url"),
            (format!("{head}.{rest}.x"), "compact JWS"),
            ("garbage".into(), "compact JWS"),
            ("".into(), "compact JWS"),
            ("a.b".into(), "compact JWS"),
            ("!!.e30.x".into(), "header is not base64url"),
            (
                format!("{}.e30.x", URL_SAFE_NO_PAD.encode("[1]")),
                "header is not a JSON object",
            ),
            (
                sign(&json!({"alg": "none"}), &claims(), SECRET),
                "alg must be HS256",
            ),
            (
                sign(&json!({"alg": "HS512"}), &claims(), SECRET),
                "alg must be HS256",
            ),
            (
                sign(&json!({"alg": "RS256"}), &claims(), SECRET),
                "alg must be HS256",
            ),
            (sign(&json!({}), &claims(), SECRET), "alg must be HS256"),
            (
                sign(&json!({"alg": "HS256", "typ": "JWE"}), &claims(), SECRET),
                "typ",
            ),
            (
                sign(&json!({"alg": "HS256", "crit": ["exp"]}), &claims(), SECRET),
                "crit",
            ),
            (
                sign(&hs, &json!("claims"), SECRET),
                "payload is not a JSON object",
            ),
            (sign(&hs, &with(json!({"iss": null})), SECRET), "iss"),
            (sign(&hs, &with(json!({"iss": ""})), SECRET), "iss"),
            (sign(&hs, &with(json!({"iss": 7})), SECRET), "iss"),
            (sign(&hs, &with(json!({"sub": null})), SECRET), "sub"),
            (sign(&hs, &with(json!({"sub": ""})), SECRET), "sub"),
            (sign(&hs, &with(json!({"sub": 42})), SECRET), "sub"),
            (
                sign(&hs, &with(json!({"sub": "x".repeat(129)})), SECRET),
                "sub",
            ),
            (sign(&hs, &with(json!({"aud": null})), SECRET), "aud"),
            (sign(&hs, &with(json!({"aud": "jieti"})), SECRET), "aud"),
            (sign(&hs, &with(json!({"aud": ["jieti"]})), SECRET), "aud"),
            (
                sign(&hs, &with(json!({"exp": null})), SECRET),
                "exp is missing",
            ),
            (
                sign(&hs, &with(json!({"exp": "soon"})), SECRET),
                "exp must be a number",
            ),
            (
                sign(&hs, &with(json!({"exp": NOW - 30})), SECRET),
                "expired",
            ),
            (
                sign(&hs, &with(json!({"exp": NOW - 3600})), SECRET),
                "expired",
            ),
            (
                sign(
                    &hs,
                    &with(json!({"exp": NOW + MAX_TOKEN_LIFETIME_SECS + 1})),
                    SECRET,
                ),
                "24 hours",
            ),
            (
                sign(&hs, &with(json!({"nbf": NOW + 60})), SECRET),
                "not valid yet",
            ),
            (sign(&hs, &with(json!({"iat": "now"})), SECRET), "iat"),
            (
                sign(&hs, &with(json!({"name": "x".repeat(61)})), SECRET),
                "name",
            ),
            (sign(&hs, &with(json!({"name": "a\u{0}b"})), SECRET), "name"),
            (sign(&hs, &with(json!({"name": 5})), SECRET), "name"),
            ("x".repeat(MAX_TOKEN_BYTES + 1), "4096"),
        ];
        for (token, problem) in cases {
            let err = check(&token).expect_err(problem);
            assert!(err.0.contains(problem), "{problem}: {}", err.0);
            if token.len() > 8 {
                assert!(!err.0.contains(&token[token.len() - 8..]), "{}", err.0);
            }
            let app: AppError = err.into();
            assert_eq!(app.status(), axum::http::StatusCode::UNAUTHORIZED);
        }
    }

    #[test]
    fn actor_ids_are_opaque_stable_and_per_institution() {
        let a = actor_name("salt-a", "l_1");
        assert_eq!(a, actor_name("salt-a", "l_1"));
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_ne!(a, actor_name("salt-a", "l_2"));
        assert_ne!(a, actor_name("salt-b", "l_1"));
        // The first 32 hex digits of SHA-256("salt-a:l_1").
        assert_eq!(a, hex(&Sha256::digest(b"salt-a:l_1"))[..32]);
    }

    #[test]
    fn registrations_are_uuid_v8() {
        let r = registration("salt", "l_1", "course");
        assert_eq!(r, registration("salt", "l_1", "course"));
        assert_ne!(r, registration("salt", "l_1", "other"));
        assert_ne!(r, registration("salt", "l_2", "course"));
        let b = r.as_bytes();
        assert_eq!(r.len(), 36);
        for (i, c) in b.iter().enumerate() {
            match i {
                8 | 13 | 18 | 23 => assert_eq!(*c, b'-'),
                14 => assert_eq!(*c, b'8'),
                19 => assert!(b"89ab".contains(c), "{r}"),
                _ => assert!(c.is_ascii_hexdigit() && !c.is_ascii_uppercase(), "{r}"),
            }
        }
        // Everything but the version and variant bits comes from SHA-256("salt:l_1:course").
        let h = hex(&Sha256::digest(b"salt:l_1:course"));
        assert_eq!(&r[0..8], &h[0..8]);
        assert_eq!(&r[15..18], &h[13..16]);
        assert_eq!(&r[24..36], &h[20..32]);
    }

    #[test]
    fn secrets_are_43_base64url_characters_and_differ() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }
}
