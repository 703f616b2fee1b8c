//! The Anthropic Messages API (being written; see the brief in the session).
