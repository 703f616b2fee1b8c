//! Bot API URLs carry the token in their path (`/bot<token>/method`); anything that logs or
//! traces such a URL must pass it through here first.

/// Replaces the token in `/bot<token>/…` with `/bot<redacted>/…`.
pub fn redact_bot_token(url: &str) -> String {
    let Some(start) = url.find("/bot") else {
        return url.to_owned();
    };
    let token_start = start + "/bot".len();
    let rest = url.get(token_start..).unwrap_or_default();
    let token_len = rest.find('/').unwrap_or(rest.len());
    if token_len == 0 {
        return url.to_owned();
    }
    let (before, after) = (url.get(..token_start).unwrap_or_default(), rest.get(token_len..).unwrap_or_default());
    format!("{before}<redacted>{after}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_survives() {
        let url = "https://api.telegram.org/bot123456:AAsecret-token_x/sendMessage?chat_id=1";
        let redacted = redact_bot_token(url);
        assert_eq!(redacted, "https://api.telegram.org/bot<redacted>/sendMessage?chat_id=1");
        assert!(!redacted.contains("AAsecret"));
        assert_eq!(redact_bot_token("https://example.org/health"), "https://example.org/health");
        assert_eq!(redact_bot_token("https://api.telegram.org/bot123:abc"), "https://api.telegram.org/bot<redacted>");
    }
}
