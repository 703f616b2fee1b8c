//! A reader over a snapshot of environment variables that collects every problem it meets,
//! so start-up can report all of them at once instead of the first one only.

use std::collections::HashMap;
use std::str::FromStr;

use secrecy::SecretString;

pub(crate) struct EnvReader {
    vars: HashMap<String, String>,
    pub(crate) problems: Vec<String>,
}

impl EnvReader {
    pub(crate) fn new(vars: HashMap<String, String>) -> Self {
        Self { vars, problems: Vec::new() }
    }

    /// The trimmed value, with an empty string treated as unset (as `.env` files often leave them).
    pub(crate) fn raw(&self, name: &str) -> Option<String> {
        self.vars.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    pub(crate) fn problem(&mut self, message: impl Into<String>) {
        self.problems.push(message.into());
    }

    pub(crate) fn string(&self, name: &str, default: &str) -> String {
        self.raw(name).unwrap_or_else(|| default.to_owned())
    }

    pub(crate) fn secret(&self, name: &str) -> Option<SecretString> {
        self.raw(name).map(SecretString::from)
    }

    /// Parses a value with `FromStr`; a bad value is recorded (without echoing secrets, which
    /// never go through this function) and the default is used so checking can go on.
    pub(crate) fn parse<T: FromStr>(&mut self, name: &str, default: T, expected: &str) -> T {
        self.parse_opt(name, expected).unwrap_or(default)
    }

    pub(crate) fn parse_opt<T: FromStr>(&mut self, name: &str, expected: &str) -> Option<T> {
        let raw = self.raw(name)?;
        match raw.parse::<T>() {
            Ok(value) => Some(value),
            Err(_) => {
                self.problem(format!("{name} must be {expected} (got {raw:?})"));
                None
            }
        }
    }

    pub(crate) fn bool(&mut self, name: &str, default: bool) -> bool {
        let Some(raw) = self.raw(name) else {
            return default;
        };
        match raw.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => {
                self.problem(format!("{name} must be true or false (got {raw:?})"));
                default
            }
        }
    }

    /// An integer that must lie within `min..=max`.
    pub(crate) fn ranged<T>(&mut self, name: &str, default: T, min: T, max: T) -> T
    where
        T: FromStr + PartialOrd + Copy + std::fmt::Display,
    {
        let expected = format!("a number from {min} to {max}");
        match self.parse_opt::<T>(name, &expected) {
            Some(v) if v < min || v > max => {
                self.problem(format!("{name} must be {expected} (got {v})"));
                default
            }
            Some(v) => v,
            None => default,
        }
    }

    /// A comma-separated list; empty items are ignored.
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        self.raw(name)
            .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default()
    }
}
