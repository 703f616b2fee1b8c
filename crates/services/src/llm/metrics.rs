//! Prometheus counters of LLM calls: calls, tokens, cost and latency by operation and model.
//! The model label is the configured model, never the provider's dated variant, so the label
//! set stays small.

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

#[derive(Debug, Clone)]
pub struct LlmMetrics {
    calls: IntCounterVec,
    tokens: IntCounterVec,
    cost_micros: IntCounterVec,
    latency: HistogramVec,
    rejected_words: IntCounterVec,
}

impl LlmMetrics {
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let calls = IntCounterVec::new(
            Opts::new("llm_calls_total", "LLM calls by operation, model and outcome"),
            &["operation", "model", "outcome"],
        )?;
        let tokens = IntCounterVec::new(
            Opts::new("llm_tokens_total", "LLM tokens by operation, model and direction (input/output)"),
            &["operation", "model", "direction"],
        )?;
        let cost_micros = IntCounterVec::new(
            Opts::new("llm_cost_usd_micros_total", "LLM cost in millionths of a US dollar"),
            &["operation", "model"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("llm_call_duration_seconds", "LLM call latency, retries included")
                .buckets(vec![0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0]),
            &["operation", "model"],
        )?;
        let rejected_words = IntCounterVec::new(
            Opts::new(
                "tutor_word_suggestions_rejected_total",
                "Tutor word suggestions not used, by reason (not_a_list, bad_item, too_many, unstructured)",
            ),
            &["reason"],
        )?;
        registry.register(Box::new(rejected_words.clone()))?;
        registry.register(Box::new(calls.clone()))?;
        registry.register(Box::new(tokens.clone()))?;
        registry.register(Box::new(cost_micros.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        Ok(Self { calls, tokens, cost_micros, latency, rejected_words })
    }

    /// Metrics that go nowhere, for services built outside an HTTP server (tests, tools).
    pub fn unregistered() -> Result<Self, prometheus::Error> {
        Self::register(&Registry::new())
    }

    /// A tutor answer whose word list (or structure) could not be used.
    pub fn reject_words(&self, reason: &str) {
        self.rejected_words.with_label_values(&[reason]).inc();
    }

    pub(crate) fn observe(&self, call: &super::gateway::CallRecord<'_>) {
        let labels = [call.operation, call.model];
        self.calls.with_label_values(&[call.operation, call.model, call.outcome]).inc();
        self.tokens
            .with_label_values(&[call.operation, call.model, "input"])
            .inc_by(u64::from(call.usage.prompt_tokens));
        self.tokens
            .with_label_values(&[call.operation, call.model, "output"])
            .inc_by(u64::from(call.usage.completion_tokens));
        self.cost_micros.with_label_values(&labels).inc_by(call.cost_usd_micros);
        self.latency.with_label_values(&labels).observe(call.latency.as_secs_f64());
    }
}
