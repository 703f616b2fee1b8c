//! sea-orm entities, one per table. Only this crate sees them; services get domain values.
pub mod users;
