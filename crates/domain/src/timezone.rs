use std::fmt;

use serde::{Deserialize, Serialize};

/// An IANA time-zone name (`Europe/Moscow`), checked against the tz database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZone(chrono_tz::Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an IANA time zone such as Europe/Moscow")]
pub struct TimeZoneError(pub String);

impl TimeZone {
    pub const UTC: Self = Self(chrono_tz::UTC);
    pub const MOSCOW: Self = Self(chrono_tz::Europe::Moscow);

    /// Exactly an IANA name as the tz database spells it (the API documents that list).
    pub fn parse(name: &str) -> Result<Self, TimeZoneError> {
        name.parse::<chrono_tz::Tz>().map(Self).map_err(|_| TimeZoneError(name.to_owned()))
    }

    /// Every name [`parse`](Self::parse) takes.
    pub fn all() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }

    /// The default for a new user: Moscow for Russian speakers, otherwise UTC, until the
    /// Mini App reports the device's zone.
    pub fn default_for_language(language_code: Option<&str>) -> Self {
        match language_code {
            Some(code) if code.eq_ignore_ascii_case("ru") || code.to_ascii_lowercase().starts_with("ru-") => {
                Self::MOSCOW
            }
            _ => Self::UTC,
        }
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.0
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl TryFrom<String> for TimeZone {
    type Error = TimeZoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TimeZone> for String {
    fn from(value: TimeZone) -> Self {
        value.name().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_iana_names_and_rejects_others() {
        assert_eq!(TimeZone::parse("Europe/Berlin").unwrap().name(), "Europe/Berlin");
        assert!(TimeZone::parse("Mars/Olympus").is_err());
        assert!(TimeZone::parse("").is_err());
        assert!(TimeZone::parse("+03:00").is_err());
    }

    #[test]
    fn russian_speakers_default_to_moscow() {
        assert_eq!(TimeZone::default_for_language(Some("ru")), TimeZone::MOSCOW);
        assert_eq!(TimeZone::default_for_language(Some("en")), TimeZone::UTC);
        assert_eq!(TimeZone::default_for_language(None), TimeZone::UTC);
    }
}
