//! Teacher groups: the roles a member has and the shape of an invite code, which has to fit
//! Telegram's `start`/`startapp` payload (at most 64 characters of `[A-Za-z0-9_-]`).

use serde::{Deserialize, Serialize};

use crate::profile::UnknownValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupRole {
    /// Shares material, invites and sees students' progress; the owner is one.
    Teacher,
    Student,
}

impl GroupRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Teacher => "teacher",
            Self::Student => "student",
        }
    }

    pub fn is_teacher(self) -> bool {
        self == Self::Teacher
    }
}

impl std::str::FromStr for GroupRole {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "teacher" => Ok(Self::Teacher),
            "student" => Ok(Self::Student),
            other => Err(UnknownValue(other.to_owned())),
        }
    }
}

/// What precedes the code in a deep link's payload (`g_<code>`).
pub const INVITE_PAYLOAD_PREFIX: &str = "g_";
/// The length of the codes we make: short to type, ~60 bits of randomness.
pub const INVITE_CODE_LENGTH: usize = 10;

/// An invite code as it is stored: 8–32 characters of `[A-Za-z0-9_-]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteCode(String);

impl InviteCode {
    /// The code in `text`, with or without the `g_` prefix; `None` when it cannot be one.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let code = text.strip_prefix(INVITE_PAYLOAD_PREFIX).filter(|c| c.len() >= 8).unwrap_or(text);
        Self::bare(code)
    }

    /// Exactly a code, never a payload: what a button carries. A code may itself begin with
    /// `g_`, which `parse` would take for the payload prefix.
    pub fn bare(code: &str) -> Option<Self> {
        let shaped =
            (8..=32).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        shaped.then(|| Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The deep-link payload, `g_<code>`.
    pub fn payload(&self) -> String {
        format!("{INVITE_PAYLOAD_PREFIX}{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_with_or_without_the_prefix_and_fit_a_start_payload() {
        let code = InviteCode::parse("g_Ab3-x_9Qz1").unwrap();
        assert_eq!(code.as_str(), "Ab3-x_9Qz1");
        assert_eq!(InviteCode::parse(" Ab3-x_9Qz1 "), Some(code.clone()));
        assert_eq!(code.payload(), "g_Ab3-x_9Qz1");
        assert!(InviteCode::parse(&"a".repeat(32)).is_some_and(|c| c.payload().len() <= 64));
        for bad in ["", "short", "g_short", "has space1", "кириллица12", &"a".repeat(33), "abc/def+ghi"] {
            assert_eq!(InviteCode::parse(bad), None, "{bad}");
        }
        assert_eq!("teacher".parse::<GroupRole>(), Ok(GroupRole::Teacher));
        assert!("admin".parse::<GroupRole>().is_err());
    }
}
