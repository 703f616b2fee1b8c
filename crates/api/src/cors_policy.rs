//! Which browser origins may call the API: the configured Mini App origins, plus
//! `http://localhost:*` and `http://127.0.0.1:*` in local/test.

/// Who may call the API from a browser.
#[derive(Debug, Clone)]
pub struct CorsPolicy {
    origins: Vec<String>,
    allow_localhost: bool,
}

impl CorsPolicy {
    pub fn new(origins: Vec<String>, allow_localhost: bool) -> Self {
        Self { origins, allow_localhost }
    }

    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin) || (self.allow_localhost && is_localhost(origin))
    }
}

fn is_localhost(origin: &str) -> bool {
    ["http://localhost", "http://127.0.0.1", "http://[::1]"].iter().any(|host| {
        origin.strip_prefix(host).is_some_and(|rest| {
            rest.is_empty()
                || rest
                    .strip_prefix(':')
                    .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_is_allowed_only_when_enabled_and_only_as_localhost() {
        let dev = CorsPolicy::new(vec!["https://app.example.org".into()], true);
        assert!(dev.allows("https://app.example.org"));
        assert!(dev.allows("http://localhost:5173"));
        assert!(dev.allows("http://127.0.0.1:8000"));
        assert!(dev.allows("http://localhost"));
        assert!(!dev.allows("http://localhost.evil.example:80"));
        assert!(!dev.allows("http://localhost:"));
        assert!(!dev.allows("https://evil.example.org"));
        let prod = CorsPolicy::new(vec!["https://app.example.org".into()], false);
        assert!(!prod.allows("http://localhost:5173"));
        assert!(prod.allows("https://app.example.org"));
    }
}
