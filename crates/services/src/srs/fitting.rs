//! A learner's own FSRS parameters, fitted from their review log with the crate's optimiser and
//! judged, before anyone uses them, against the parameters in use on the learner's most recent
//! reviews, which the fit never saw.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use fsrs::{CombinedProgressState, ComputeParametersInput, FSRS, FSRSItem, FSRSReview, compute_parameters};
use uuid::Uuid;

/// One row of the review log, as the fit reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedReview {
    pub card_id: Uuid,
    /// 1 Again … 4 Easy.
    pub rating: u8,
    /// Whole days since the card's previous review, as the scheduler counted them (0 for the
    /// first review and for same-day learning steps).
    pub elapsed_days: u32,
    pub reviewed_at: DateTime<Utc>,
    /// The card was new before this review: its history starts here. Cards whose first logged
    /// review is not from `new` (imported with a schedule, or cut off by the review cap) are
    /// left out, because FSRS cannot know their earlier history.
    pub first_review: bool,
}

#[derive(Debug, Clone)]
pub struct FitConfig {
    /// The most recent share of long-term reviews held out to judge the fit.
    pub holdout_share: f64,
    /// Fewer held-out reviews than this cannot tell two parameter sets apart reliably.
    pub min_holdout: usize,
    /// Threads the optimiser may use (it would otherwise take every core).
    pub threads: usize,
    /// The optimiser is stopped past this, and the fit fails without changing anything.
    pub deadline: Duration,
}

impl Default for FitConfig {
    fn default() -> Self {
        Self { holdout_share: 0.2, min_holdout: 200, threads: 1, deadline: Duration::from_secs(120) }
    }
}

/// How well a parameter set predicted the held-out reviews (lower is better for both).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitMetrics {
    pub log_loss: f64,
    pub rmse_bins: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FitReport {
    pub parameters: Vec<f32>,
    /// Long-term reviews the optimiser trained on.
    pub trained_on: usize,
    /// The most recent long-term reviews both parameter sets were judged on.
    pub held_out: usize,
    /// The parameters in use before the fit (the defaults for a first fit).
    pub before: FitMetrics,
    pub after: FitMetrics,
}

impl FitReport {
    /// Better on the held-out reviews in log loss and no worse in calibration.
    pub fn is_improvement(&self) -> bool {
        self.after.log_loss < self.before.log_loss && self.after.rmse_bins <= self.before.rmse_bins
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FitError {
    #[error("not enough reviews to fit: {held_out} could be held out, {needed} are needed")]
    NotEnoughReviews { held_out: usize, needed: usize },
    #[error("the fit ran past its deadline and was stopped")]
    Deadline,
    #[error("FSRS refused the data: {0}")]
    Fsrs(String),
}

/// Fits parameters on all but the most recent reviews and evaluates them, and `current` (the
/// defaults when `None`), on those. CPU-bound: call it off the async runtime.
pub fn fit(reviews: &[LoggedReview], current: Option<&[f32]>, config: &FitConfig) -> Result<FitReport, FitError> {
    let items = items_of(reviews);
    let (train, test) = split(&items, config)?;
    let parameters = optimise(train, config)?;
    let before = evaluate(current.unwrap_or(&[]), test)?;
    let after = evaluate(&parameters, test)?;
    Ok(FitReport { parameters, trained_on: train.len(), held_out: test.len(), before, after })
}

/// How `parameters` predict the reviews [`fit`] holds out of `reviews`.
pub fn judge(reviews: &[LoggedReview], parameters: &[f32], config: &FitConfig) -> Result<FitMetrics, FitError> {
    let items = items_of(reviews);
    let (_, test) = split(&items, config)?;
    evaluate(parameters, test)
}

/// The oldest reviews to train on and the most recent to judge by.
fn split<'a>(items: &'a [Item], config: &FitConfig) -> Result<(&'a [Item], &'a [Item]), FitError> {
    let held_out = ((items.len() as f64) * config.holdout_share).round() as usize;
    if held_out < config.min_holdout {
        return Err(FitError::NotEnoughReviews { held_out, needed: config.min_holdout });
    }
    Ok(items.split_at(items.len() - held_out))
}

/// One review to predict, with the card's history before it.
#[derive(Debug, Clone)]
struct Item {
    card: i64,
    at: DateTime<Utc>,
    item: FSRSItem,
}

/// Every long-term review (a day or more after the previous one) of a card whose history is
/// complete, as an FSRS item, oldest first. Same-day steps stay in the histories, where the
/// crate's short-term parameters use them, but are not predicted themselves.
fn items_of(reviews: &[LoggedReview]) -> Vec<Item> {
    let mut by_card: HashMap<Uuid, Vec<&LoggedReview>> = HashMap::new();
    for review in reviews {
        by_card.entry(review.card_id).or_default().push(review);
    }
    let mut items = Vec::new();
    for (card, (_, mut log)) in (0_i64..).zip(by_card) {
        log.sort_by_key(|r| r.reviewed_at);
        if !log.first().is_some_and(|r| r.first_review) {
            continue;
        }
        let history: Vec<FSRSReview> = log
            .iter()
            .enumerate()
            .map(|(i, r)| FSRSReview { rating: u32::from(r.rating), delta_t: if i == 0 { 0 } else { r.elapsed_days } })
            .collect();
        for (i, review) in log.iter().enumerate().skip(1) {
            if let Some(prefix) = history.get(..=i)
                && prefix.last().is_some_and(|current| current.delta_t > 0)
            {
                items.push(Item { card, at: review.reviewed_at, item: FSRSItem { reviews: prefix.to_vec() } });
            }
        }
    }
    items.sort_by_key(|i| i.at);
    items
}

fn optimise(train: &[Item], config: &FitConfig) -> Result<Vec<f32>, FitError> {
    let progress = CombinedProgressState::new_shared();
    let input = ComputeParametersInput {
        train_set: train.iter().map(|i| i.item.clone()).collect(),
        card_ids: Some(train.iter().map(|i| i.card).collect()),
        progress: Some(progress.clone()),
        ..ComputeParametersInput::default()
    };
    let watchdog = abort_after(progress, config.deadline);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads.max(1))
        .build()
        .map_err(|e| FitError::Fsrs(e.to_string()))?;
    let result = pool.install(|| compute_parameters(input));
    watchdog.finish();
    match result {
        Ok(parameters) => Ok(parameters),
        Err(fsrs::FSRSError::Interrupted) => Err(FitError::Deadline),
        Err(e) => Err(FitError::Fsrs(e.to_string())),
    }
}

fn evaluate(parameters: &[f32], test: &[Item]) -> Result<FitMetrics, FitError> {
    let model = FSRS::new(parameters).map_err(|e| FitError::Fsrs(e.to_string()))?;
    let items = test.iter().map(|i| i.item.clone()).collect();
    let cards = test.iter().map(|i| i.card).collect();
    let evaluation = model.evaluate_with_card_ids(items, cards, |_| true).map_err(|e| FitError::Fsrs(e.to_string()))?;
    Ok(FitMetrics { log_loss: f64::from(evaluation.log_loss), rmse_bins: f64::from(evaluation.rmse_bins) })
}

/// Asks the optimiser to stop once `deadline` passes; it checks between batches.
struct Watchdog {
    done: std::sync::mpsc::Sender<()>,
}

impl Watchdog {
    fn finish(self) {
        let _ = self.done.send(());
    }
}

fn abort_after(progress: Arc<Mutex<CombinedProgressState>>, deadline: Duration) -> Watchdog {
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if finished.recv_timeout(deadline) == Err(std::sync::mpsc::RecvTimeoutError::Timeout)
            && let Ok(mut state) = progress.lock()
        {
            state.want_abort = true;
        }
    });
    Watchdog { done }
}
