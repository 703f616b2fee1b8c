//! The card state machine around FSRS-6, following the reference scheduler (py-fsrs), which
//! our tests replay review for review (`tests/services/srs.rs`).

use chrono::{DateTime, Duration, Utc};
use domain::{CardState, Rating};
use fsrs::{FSRS, MemoryState, NextStates};

use super::fuzz;

#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    #[error("FSRS rejected the input: {0}")]
    Fsrs(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerConfig {
    pub learning_steps: Vec<Duration>,
    pub relearning_steps: Vec<Duration>,
    /// 0.70–0.97.
    pub desired_retention: f64,
    pub maximum_interval_days: u32,
    pub fuzz: bool,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            learning_steps: vec![Duration::minutes(1), Duration::minutes(10)],
            relearning_steps: vec![Duration::minutes(10)],
            desired_retention: 0.9,
            maximum_interval_days: 36_500,
            fuzz: true,
        }
    }
}

/// One learner's scheduling state of one card.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub state: CardState,
    /// The learning or relearning step the card is on; `None` in `new` and `review`.
    pub step: Option<u32>,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub due: DateTime<Utc>,
    pub last_review: Option<DateTime<Utc>>,
    pub reps: u32,
    pub lapses: u32,
}

impl Progress {
    /// A card nobody has studied yet, available from `now`.
    pub fn new_card(now: DateTime<Utc>) -> Self {
        Self {
            state: CardState::New,
            step: None,
            stability: None,
            difficulty: None,
            due: now,
            last_review: None,
            reps: 0,
            lapses: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewOutcome {
    pub progress: Progress,
    /// Whole days since the previous review, as FSRS counts them.
    pub elapsed_days: u32,
    /// Time until the card is due again.
    pub scheduled: Duration,
    /// The long-term interval in days when the card is (now) in review, else `None`.
    pub interval_days: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Scheduler {
    fsrs: FSRS,
    /// The forgetting curve's decay (the last parameter), which the intervals depend on.
    decay: f64,
    config: SchedulerConfig,
}

/// Whole days since the last review (0 for a new card).
fn elapsed_days(progress: &Progress, now: DateTime<Utc>) -> u32 {
    progress.last_review.map_or(0, |last| u32::try_from((now - last).num_days().max(0)).unwrap_or(u32::MAX))
}

fn memory_after(next: &NextStates, rating: Rating) -> MemoryState {
    let state = match rating {
        Rating::Again => &next.again,
        Rating::Hard => &next.hard,
        Rating::Good => &next.good,
        Rating::Easy => &next.easy,
    };
    state.memory
}

impl Scheduler {
    /// FSRS-6 with its default parameters.
    pub fn new(config: SchedulerConfig) -> Result<Self, SchedulerError> {
        Self::with_parameters(&[], config)
    }

    /// FSRS-6 with a learner's own parameters (all 21 of them), or the defaults when empty.
    pub fn with_parameters(parameters: &[f32], config: SchedulerConfig) -> Result<Self, SchedulerError> {
        let fsrs = FSRS::new(parameters).map_err(|e| SchedulerError::Fsrs(e.to_string()))?;
        let decay = match parameters {
            [] => fsrs::DEFAULT_PARAMETERS[20],
            [.., decay] if parameters.len() == fsrs::DEFAULT_PARAMETERS.len() => *decay,
            _ => return Err(SchedulerError::Fsrs(format!("{} parameters, FSRS-6 has 21", parameters.len()))),
        };
        Ok(Self { fsrs, decay: -f64::from(decay), config })
    }

    /// Applies `rating` at `now`. `fuzz_seed` makes the fuzz deterministic per card and review.
    pub fn review(
        &self,
        progress: &Progress,
        rating: Rating,
        now: DateTime<Utc>,
        fuzz_seed: u64,
    ) -> Result<ReviewOutcome, SchedulerError> {
        let elapsed_days = elapsed_days(progress, now);
        let memory = memory_after(&self.next_states(progress, elapsed_days)?, rating);
        Ok(self.outcome(progress, rating, memory, elapsed_days, now, fuzz_seed))
    }

    /// What each rating would give now, for the buttons ("<1m", "10m", "3d", …): the four
    /// reviews `review` would make, from one computation of the next memory states.
    pub fn preview(
        &self,
        progress: &Progress,
        now: DateTime<Utc>,
        fuzz_seed: u64,
    ) -> Result<[Duration; 4], SchedulerError> {
        let elapsed_days = elapsed_days(progress, now);
        let next = self.next_states(progress, elapsed_days)?;
        Ok(Rating::ALL.map(|rating| {
            self.outcome(progress, rating, memory_after(&next, rating), elapsed_days, now, fuzz_seed).scheduled
        }))
    }

    fn outcome(
        &self,
        progress: &Progress,
        rating: Rating,
        memory: MemoryState,
        elapsed_days: u32,
        now: DateTime<Utc>,
        fuzz_seed: u64,
    ) -> ReviewOutcome {
        let (state, step, scheduled, interval_days) = match progress.state {
            CardState::New | CardState::Learning => {
                self.through_steps(&self.config.learning_steps, progress.step.unwrap_or(0), rating, memory)
            }
            CardState::Relearning => {
                self.through_steps(&self.config.relearning_steps, progress.step.unwrap_or(0), rating, memory)
            }
            CardState::Review => match (rating, self.config.relearning_steps.first()) {
                (Rating::Again, Some(first)) => (CardState::Relearning, Some(0), *first, None),
                _ => self.graduate(memory),
            },
        };
        let lapsed = progress.state == CardState::Review && rating == Rating::Again;
        let (scheduled, interval_days) = match (state, interval_days) {
            (CardState::Review, Some(days)) => {
                let days = self.fuzzed(days, fuzz_seed);
                (Duration::days(i64::from(days)), Some(days))
            }
            _ => (scheduled, interval_days),
        };
        ReviewOutcome {
            progress: Progress {
                state,
                step,
                stability: Some(f64::from(memory.stability)),
                difficulty: Some(f64::from(memory.difficulty)),
                due: now + scheduled,
                last_review: Some(now),
                reps: progress.reps.saturating_add(1),
                lapses: progress.lapses.saturating_add(u32::from(lapsed)),
            },
            elapsed_days,
            scheduled,
            interval_days,
        }
    }

    fn next_states(&self, progress: &Progress, elapsed_days: u32) -> Result<NextStates, SchedulerError> {
        let current = match (progress.stability, progress.difficulty) {
            // f64 is kept in storage; the crate computes in f32.
            (Some(s), Some(d)) => Some(MemoryState { stability: s as f32, difficulty: d as f32 }),
            _ => None,
        };
        self.fsrs
            .next_states(current, self.config.desired_retention as f32, elapsed_days)
            .map_err(|e| SchedulerError::Fsrs(e.to_string()))
    }

    /// Learning and relearning: steps under a day keep the card in today's session.
    fn through_steps(
        &self,
        steps: &[Duration],
        step: u32,
        rating: Rating,
        memory: MemoryState,
    ) -> (CardState, Option<u32>, Duration, Option<u32>) {
        let in_steps =
            if steps == self.config.learning_steps.as_slice() { CardState::Learning } else { CardState::Relearning };
        let index = step as usize;
        // A card past the last step (steps were shortened since) graduates on any pass.
        if steps.is_empty() || (index >= steps.len() && rating != Rating::Again) {
            return self.graduate(memory);
        }
        match rating {
            Rating::Again => (in_steps, Some(0), steps.first().copied().unwrap_or_default(), None),
            Rating::Hard => {
                let wait = match (index, steps) {
                    (0, [only]) => *only * 3 / 2,
                    (0, [first, second, ..]) => (*first + *second) / 2,
                    _ => steps.get(index).copied().unwrap_or_default(),
                };
                (in_steps, Some(step), wait, None)
            }
            Rating::Good if index + 1 >= steps.len() => self.graduate(memory),
            Rating::Good => (in_steps, Some(step + 1), steps.get(index + 1).copied().unwrap_or_default(), None),
            Rating::Easy => self.graduate(memory),
        }
    }

    /// Into (or staying in) review at the pre-fuzz interval; the caller applies fuzz.
    fn graduate(&self, memory: MemoryState) -> (CardState, Option<u32>, Duration, Option<u32>) {
        let days = self.interval_days(f64::from(memory.stability));
        (CardState::Review, None, Duration::days(i64::from(days)), Some(days))
    }

    /// The pre-fuzz interval: the days until retrievability falls to the desired retention,
    /// rounded half-to-even as the reference does, within [1, maximum].
    pub fn interval_days(&self, stability: f64) -> u32 {
        let decay = self.decay;
        let factor = 0.9_f64.powf(1.0 / decay) - 1.0;
        let raw = stability / factor * (self.config.desired_retention.powf(1.0 / decay) - 1.0);
        let rounded = raw.round_ties_even().clamp(1.0, f64::from(self.config.maximum_interval_days));
        rounded as u32
    }

    fn fuzzed(&self, days: u32, seed: u64) -> u32 {
        if !self.config.fuzz || f64::from(days) < 2.5 {
            return days;
        }
        let (low, high) = fuzz::fuzz_range(f64::from(days), self.config.maximum_interval_days);
        fuzz::pick(low, high, seed)
    }
}
