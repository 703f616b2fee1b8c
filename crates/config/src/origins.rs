//! CORS origins: parsed and normalised once so the middleware compares plain strings.

use url::Url;

/// Normalises `https://Example.org:443/` to `https://example.org`; rejects anything that is not
/// a bare http(s) origin (a path, query or credentials would never match a browser's `Origin`).
pub(crate) fn parse_origin(raw: &str) -> Result<String, String> {
    let url = Url::parse(raw).map_err(|e| format!("{raw:?} is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{raw:?} must start with http:// or https://"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{raw:?} must be an origin without a path, e.g. https://app.example.org"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{raw:?} must not contain credentials"));
    }
    Ok(url.origin().ascii_serialization())
}

/// The origin of a full URL such as `MINI_APP_URL`.
pub(crate) fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_default_port_and_case() {
        assert_eq!(parse_origin("https://App.Example.org:443/").as_deref(), Ok("https://app.example.org"));
        assert_eq!(parse_origin("http://localhost:5173").as_deref(), Ok("http://localhost:5173"));
    }

    #[test]
    fn rejects_paths_and_other_schemes() {
        assert!(parse_origin("https://example.org/app").is_err());
        assert!(parse_origin("ftp://example.org").is_err());
        assert!(parse_origin("example.org").is_err());
    }
}
