//! The language of human-readable API text: the signed-in user's interface language; before
//! sign-in, Russian by default (our learners are Russian speakers) or English when the
//! client prefers it.

use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::{HttpMessage, HttpRequest};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Ru,
    En,
}

impl From<domain::InterfaceLanguage> for Language {
    fn from(language: domain::InterfaceLanguage) -> Self {
        match language {
            domain::InterfaceLanguage::Ru => Self::Ru,
            domain::InterfaceLanguage::En => Self::En,
        }
    }
}

impl Language {
    /// The signed-in user's interface language (set when the request was authenticated),
    /// else the client's `Accept-Language` preference.
    pub fn of(req: &HttpRequest) -> Self {
        req.extensions().get::<Self>().copied().unwrap_or_else(|| Self::negotiate(req))
    }

    /// Picks the first of ru/en in the client's `Accept-Language` preference order.
    pub fn negotiate(req: &HttpRequest) -> Self {
        let Some(header) = req.headers().get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return Self::Ru;
        };
        let mut ranked: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|item| {
                let mut parts = item.trim().split(';');
                let tag = parts.next()?.trim();
                let q =
                    parts.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        // Stable sort keeps the header's order among equal weights.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked
            .into_iter()
            .filter(|(q, _)| *q > 0.0)
            .find_map(|(_, tag)| {
                let primary = tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
                match primary.as_str() {
                    "ru" => Some(Self::Ru),
                    "en" => Some(Self::En),
                    _ => None,
                }
            })
            .unwrap_or(Self::Ru)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn pick(header: &str) -> Language {
        Language::negotiate(&TestRequest::default().insert_header((ACCEPT_LANGUAGE, header)).to_http_request())
    }

    #[test]
    fn follows_the_clients_preference_between_ru_and_en() {
        assert_eq!(pick("en-US,en;q=0.9"), Language::En);
        assert_eq!(pick("de-DE,en;q=0.5,ru;q=0.4"), Language::En);
        assert_eq!(pick("en;q=0.3,ru-RU;q=0.8"), Language::Ru);
        assert_eq!(pick("fr"), Language::Ru);
        assert_eq!(pick("en;q=0"), Language::Ru);
        assert_eq!(Language::negotiate(&TestRequest::default().to_http_request()), Language::Ru);
    }
}
