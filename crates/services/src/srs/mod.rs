//! Spaced repetition: the FSRS-6 memory model from the `fsrs` crate, wrapped in the card state
//! machine (learning steps, relearning, intervals, fuzz) that the crate leaves to its users.

pub mod fitting;
mod fuzz;
mod scheduler;

pub use scheduler::{Progress, ReviewOutcome, Scheduler, SchedulerConfig, SchedulerError};
