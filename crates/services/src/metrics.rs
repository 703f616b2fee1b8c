//! The metrics every process shares, registered once in the service graph's registry
//! (`App::metrics`): learning activity, the bot's queues, Telegram Bot API calls and the long
//! poller. HTTP metrics live in `api::metrics`, the notifier's own in its binary, LLM calls in
//! `llm::metrics`. Labels are small closed sets (ratings, kinds, outcomes, method names),
//! never a user, a chat or a text.

use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::Rating;
use prometheus::{IntCounterVec, IntGauge, Opts, Registry};
use repositories::Database;
use tokio::sync::Mutex;

use crate::Clock;

/// A scrape within this long of the last sample reuses it: several scrapers (or replicas'
/// scrapes of one database) cost one query, not one each.
const BACKLOG_SAMPLE_TTL: Duration = Duration::from_secs(10);

/// Everything in this module, as the service graph holds it.
#[derive(Debug, Clone)]
pub struct ServiceMetrics {
    pub learning: LearningMetrics,
    pub backlog: BacklogMetrics,
    pub telegram: TelegramMetrics,
    pub outbox: OutboxMetrics,
    pub poller: PollerMetrics,
}

impl ServiceMetrics {
    pub fn register(registry: &Registry, db: Database, clock: Arc<dyn Clock>) -> prometheus::Result<Self> {
        Ok(Self {
            learning: LearningMetrics::register(registry)?,
            backlog: BacklogMetrics::register(registry, db, clock)?,
            telegram: TelegramMetrics::register(registry)?,
            outbox: OutboxMetrics::register(registry)?,
            poller: PollerMetrics::register(registry)?,
        })
    }
}

fn counter_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> prometheus::Result<IntCounterVec> {
    let counter = IntCounterVec::new(Opts::new(name, help), labels)?;
    registry.register(Box::new(counter.clone()))?;
    Ok(counter)
}

fn gauge(registry: &Registry, name: &str, help: &str) -> prometheus::Result<IntGauge> {
    let gauge = IntGauge::new(name, help)?;
    registry.register(Box::new(gauge.clone()))?;
    Ok(gauge)
}

/// Reviews and exercises, counted once their transaction committed (a replayed review or an
/// answer that was put back is not counted).
#[derive(Debug, Clone)]
pub struct LearningMetrics {
    reviews: IntCounterVec,
    exercises: IntCounterVec,
}

impl LearningMetrics {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        Ok(Self {
            reviews: counter_vec(registry, "reviews_total", "Card reviews recorded, by rating", &["rating"])?,
            exercises: counter_vec(
                registry,
                "exercises_graded_total",
                "Exercise answers graded and recorded, by exercise kind and result",
                &["kind", "result"],
            )?,
        })
    }

    /// Counters that go nowhere, for services built outside the graph (tests, tools).
    pub fn unregistered() -> prometheus::Result<Self> {
        Self::register(&Registry::new())
    }

    pub fn review_recorded(&self, rating: Rating) {
        let label = match rating {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        };
        self.reviews.with_label_values(&[label]).inc();
    }

    /// `kind` and `result` are the wire names of `ExerciseKind` and `Grade`.
    pub fn exercise_graded(&self, kind: &str, result: &str) {
        self.exercises.with_label_values(&[kind, result]).inc();
    }
}

/// The inbox's and the outbox's unfinished rows, sampled when `/metrics` is rendered (one
/// statement, see `repositories::backlog`, at most once per [`BACKLOG_SAMPLE_TTL`]).
#[derive(Debug, Clone)]
pub struct BacklogMetrics {
    db: Database,
    clock: Arc<dyn Clock>,
    inbox_depth: IntGauge,
    inbox_age: IntGauge,
    outbox_depth: IntGauge,
    outbox_age: IntGauge,
    /// When the gauges were last refreshed; the lock also makes concurrent scrapes wait for
    /// one query instead of each sending its own.
    sampled_at: Arc<Mutex<Option<Instant>>>,
}

impl BacklogMetrics {
    pub fn register(registry: &Registry, db: Database, clock: Arc<dyn Clock>) -> prometheus::Result<Self> {
        Ok(Self {
            db,
            clock,
            inbox_depth: gauge(registry, "inbox_depth", "Telegram updates stored and not yet handled")?,
            inbox_age: gauge(
                registry,
                "inbox_oldest_age_seconds",
                "Age of the oldest Telegram update not yet handled (0 when none)",
            )?,
            outbox_depth: gauge(registry, "outbox_depth", "Bot messages queued and not yet sent")?,
            outbox_age: gauge(
                registry,
                "outbox_oldest_age_seconds",
                "Age of the oldest bot message not yet sent (0 when none)",
            )?,
            sampled_at: Arc::new(Mutex::new(None)),
        })
    }

    /// Refreshes the gauges unless they were refreshed moments ago. A failed query is logged
    /// and leaves the previous values; the database's trouble shows on `/ready` and in errors.
    pub async fn refresh(&self) {
        let mut sampled_at = self.sampled_at.lock().await;
        if sampled_at.is_some_and(|at| at.elapsed() < BACKLOG_SAMPLE_TTL) {
            return;
        }
        match repositories::backlog::sample(self.db.conn()).await {
            Ok(backlog) => {
                let now = self.clock.now();
                let age = |oldest: Option<chrono::DateTime<chrono::Utc>>| {
                    oldest.map_or(0, |at| (now - at).num_seconds().max(0))
                };
                let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
                self.inbox_depth.set(as_i64(backlog.inbox.depth));
                self.inbox_age.set(age(backlog.inbox.oldest));
                self.outbox_depth.set(as_i64(backlog.outbox.depth));
                self.outbox_age.set(age(backlog.outbox.oldest));
                *sampled_at = Some(Instant::now());
            }
            Err(error) => tracing::warn!(%error, "sampling the inbox and outbox backlog failed"),
        }
    }
}

/// Every Bot API call the bot makes, by method and outcome.
#[derive(Debug, Clone)]
pub struct TelegramMetrics {
    calls: IntCounterVec,
}

/// How one Bot API call ended, as the `outcome` label says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    Ok,
    /// 429: Telegram asked to slow down.
    TooManyRequests,
    /// Any other 4xx (403 blocked, 400 refused entities, …).
    ClientError,
    /// 5xx, or an answer that was not the Bot API's.
    ServerError,
    /// No answer: connect, timeout, reset.
    Network,
}

impl CallOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::TooManyRequests => "429",
            Self::ClientError => "4xx",
            Self::ServerError => "5xx",
            Self::Network => "network",
        }
    }
}

impl TelegramMetrics {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        Ok(Self {
            calls: counter_vec(
                registry,
                "telegram_api_calls_total",
                "Telegram Bot API calls by method and outcome (ok, 429, 4xx, 5xx, network); retries count each",
                &["method", "outcome"],
            )?,
        })
    }

    /// `method` is the Bot API method name, a constant of the caller (`sendMessage`, …).
    pub fn call(&self, method: &str, outcome: CallOutcome) {
        self.calls.with_label_values(&[method, outcome.as_str()]).inc();
    }
}

/// What became of the outbox's messages, by their kind (`streak_reminder`, `premium_expiry`,
/// `teacher_digest`, …, constants of the code that queues them).
#[derive(Debug, Clone)]
pub struct OutboxMetrics {
    messages: IntCounterVec,
}

impl OutboxMetrics {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        Ok(Self {
            messages: counter_vec(
                registry,
                "outbox_messages_total",
                "Outbox send attempts by message kind and outcome (sent, retried, failed)",
                &["kind", "outcome"],
            )?,
        })
    }

    pub fn sent(&self, kind: &str) {
        self.messages.with_label_values(&[kind, "sent"]).inc();
    }

    pub fn retried(&self, kind: &str) {
        self.messages.with_label_values(&[kind, "retried"]).inc();
    }

    pub fn failed(&self, kind: &str) {
        self.messages.with_label_values(&[kind, "failed"]).inc();
    }
}

/// The long poller's rounds; its last round's time is bot-poller's health.
#[derive(Debug, Clone)]
pub struct PollerMetrics {
    rounds: IntCounterVec,
    /// Unix seconds when the last round ended, whatever its outcome.
    pub last_round: IntGauge,
}

impl PollerMetrics {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let last_round = gauge(
            registry,
            "bot_poller_last_round_timestamp_seconds",
            "Unix time the long poller last finished a round (0 before the first)",
        )?;
        Ok(Self {
            rounds: counter_vec(
                registry,
                "bot_poller_rounds_total",
                "Long-poll rounds by outcome (stored, standby, failed)",
                &["outcome"],
            )?,
            last_round,
        })
    }

    /// `outcome` is `stored`, `standby` or `failed`.
    pub fn round_done(&self, outcome: &str, now: chrono::DateTime<chrono::Utc>) {
        self.rounds.with_label_values(&[outcome]).inc();
        self.last_round.set(now.timestamp());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposition(registry: &Registry) -> String {
        prometheus::TextEncoder::new().encode_to_string(&registry.gather()).unwrap_or_default()
    }

    #[test]
    fn learning_counters_carry_the_rating_and_the_kind() {
        let registry = Registry::new_custom(Some("lang_agent".into()), None).unwrap();
        let learning = LearningMetrics::register(&registry).unwrap();
        learning.review_recorded(Rating::Good);
        learning.review_recorded(Rating::Good);
        learning.review_recorded(Rating::Again);
        learning.exercise_graded("fill_gap", "correct");
        let text = exposition(&registry);
        assert!(text.contains(r#"lang_agent_reviews_total{rating="good"} 2"#), "{text}");
        assert!(text.contains(r#"lang_agent_reviews_total{rating="again"} 1"#), "{text}");
        assert!(text.contains(r#"lang_agent_exercises_graded_total{kind="fill_gap",result="correct"} 1"#), "{text}");
    }

    #[test]
    fn telegram_outcomes_have_the_documented_labels() {
        let labels: Vec<_> = [
            CallOutcome::Ok,
            CallOutcome::TooManyRequests,
            CallOutcome::ClientError,
            CallOutcome::ServerError,
            CallOutcome::Network,
        ]
        .iter()
        .map(|o| o.as_str())
        .collect();
        assert_eq!(labels, ["ok", "429", "4xx", "5xx", "network"]);
    }

    #[test]
    fn a_poller_round_moves_the_heartbeat() {
        let registry = Registry::new();
        let poller = PollerMetrics::register(&registry).unwrap();
        assert_eq!(poller.last_round.get(), 0);
        let now = chrono::Utc::now();
        poller.round_done("standby", now);
        assert_eq!(poller.last_round.get(), now.timestamp());
        assert!(exposition(&registry).contains(r#"bot_poller_rounds_total{outcome="standby"} 1"#));
    }
}
