//! What the notifier's jobs report, in the process's registry; `api::monitor` serves it on
//! `METRICS_HOST:METRICS_PORT` with `/health` ("ok" while rounds keep completing).

use prometheus::{IntCounter, IntCounterVec, IntGauge, Opts, Registry};

#[derive(Clone)]
pub struct JobMetrics {
    pub ticks: IntCounter,
    /// Streak reminders queued in the outbox (their sending is `outbox_messages_total`).
    pub reminders: IntCounter,
    /// A job that failed in a round, by its name in the `task` label (retried next round).
    /// Not `job`: Prometheus's own target label would overwrite it at scrape time.
    pub job_failures: IntCounterVec,
    /// Unix seconds of the last completed round, or of the last finished batch within a long
    /// one: the heartbeat of `/health` and of the NotifierLag alert.
    pub last_tick: IntGauge,
}

impl JobMetrics {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let ticks = IntCounter::new("notifier_ticks_total", "Job rounds completed")?;
        let reminders = IntCounter::new("notifier_reminders_total", "Streak reminders queued")?;
        let job_failures = IntCounterVec::new(
            Opts::new("notifier_job_failures_total", "Notifier jobs that failed in a round, by task"),
            &["task"],
        )?;
        let last_tick = IntGauge::new(
            "notifier_last_tick_timestamp_seconds",
            "Unix time the notifier last completed a round (or a batch within one)",
        )?;
        registry.register(Box::new(ticks.clone()))?;
        registry.register(Box::new(reminders.clone()))?;
        registry.register(Box::new(job_failures.clone()))?;
        registry.register(Box::new(last_tick.clone()))?;
        last_tick.set(chrono::Utc::now().timestamp());
        Ok(Self { ticks, reminders, job_failures, last_tick })
    }

    pub fn tick_done(&self) {
        self.ticks.inc();
        self.alive();
    }

    /// Work is moving (a batch finished): a long round of many batches is not a stall.
    pub fn alive(&self) {
        self.last_tick.set(chrono::Utc::now().timestamp());
    }

    pub fn job_failed(&self, job: &'static str) {
        self.job_failures.with_label_values(&[job]).inc();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn failures_are_labelled_by_task_and_a_round_moves_the_heartbeat() {
        let registry = Registry::new_custom(Some("lang_agent".into()), None).unwrap();
        let metrics = JobMetrics::register(&registry).unwrap();
        metrics.last_tick.set(0);
        metrics.job_failed("outbox");
        metrics.tick_done();
        let text = prometheus::TextEncoder::new().encode_to_string(&registry.gather()).unwrap();
        // `task`, never `job`: Prometheus would rename a scraped `job` to `exported_job`.
        assert!(text.contains(r#"lang_agent_notifier_job_failures_total{task="outbox"} 1"#), "{text}");
        assert!(text.contains("lang_agent_notifier_ticks_total 1"), "{text}");
        assert!((chrono::Utc::now().timestamp() - metrics.last_tick.get()).abs() <= 1);
    }
}
