//! The Anthropic provider against a local fake server (being written).
