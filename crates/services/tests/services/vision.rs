//! Pictures for the vision model: inline with the last user message, as OpenAI-compatible
//! servers and Anthropic each expect them, the vision model named, and the picture sent again
//! when a broken structured answer is re-asked.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};
use services::llm::{
    CallContext, ChatMessage, CompletionRequest, ImageInput, JsonSchema, LlmGateway, LlmMetrics, LlmProvider,
    Operation, Role, Structured,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nfake-pixels";
const PNG_BASE64: &str = "iVBORw0KGgpmYWtlLXBpeGVscw==";

fn image() -> ImageInput {
    ImageInput { mime: "image/png".into(), bytes: PNG.to_vec() }
}

fn request() -> CompletionRequest {
    CompletionRequest {
        model: "vision-model".into(),
        messages: vec![
            ChatMessage { role: Role::System, content: "Read the menu.".into() },
            ChatMessage { role: Role::User, content: "What does it say?".into() },
        ],
        temperature: 0.2,
        max_tokens: 300,
        images: vec![image()],
        json_schema: None,
    }
}

fn completion(content: &str) -> Value {
    json!({"id": "c", "object": "chat.completion", "model": "gpt-4o",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 800, "completion_tokens": 20}})
}

async fn sent(server: &MockServer) -> Vec<Value> {
    server.received_requests().await.unwrap().iter().map(|r| r.body_json::<Value>().unwrap()).collect()
}

#[tokio::test]
async fn openai_gets_the_picture_as_a_data_url_in_the_last_user_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("Schnitzel")))
        .mount(&server)
        .await;
    let answer = crate::llm::provider(&server, Arc::default()).complete(&request()).await.unwrap();
    assert_eq!(answer.content, "Schnitzel");
    let body = &sent(&server).await[0];
    assert_eq!(body["messages"][0], json!({"role": "system", "content": "Read the menu."}));
    assert_eq!(
        body["messages"][1]["content"],
        json!([
            {"type": "text", "text": "What does it say?"},
            {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{PNG_BASE64}")}}
        ])
    );
}

#[tokio::test]
async fn anthropic_gets_image_blocks_before_the_text() {
    let server = MockServer::start().await;
    let reply = json!({"id": "m", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": "Schnitzel"}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 900, "output_tokens": 5}});
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply))
        .mount(&server)
        .await;
    let answer = crate::llm_anthropic::provider(&server, Arc::default()).complete(&request()).await.unwrap();
    assert_eq!(answer.content, "Schnitzel");
    let body = &sent(&server).await[0];
    assert_eq!(body["system"], "Read the menu.");
    assert_eq!(
        body["messages"][0]["content"],
        json!([
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_BASE64}},
            {"type": "text", "text": "What does it say?"}
        ])
    );
}

#[derive(Debug, Deserialize)]
struct Found {
    text: String,
}

impl Structured for Found {
    fn schema() -> JsonSchema {
        JsonSchema {
            name: "found".into(),
            schema: json!({"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}),
        }
    }

    fn check(&self) -> Result<(), String> {
        if self.text.trim().is_empty() { Err("text is empty".into()) } else { Ok(()) }
    }
}

#[tokio::test]
async fn the_vision_model_sees_the_picture_again_when_a_broken_answer_is_re_asked() {
    let backend = test_support::backends::migrated_postgres().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("not json")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion(r#"{"text": "Speisekarte"}"#)))
        .mount(&server)
        .await;
    let base = format!("{}/v1", server.uri());
    let vars: Vec<(String, String)> = [
        ("APP_ENV", "test"),
        ("LLM_PROVIDER", "openai"),
        ("OPENAI_API_KEY", "sk-test-key"),
        ("LLM_BASE_URL", base.as_str()),
        ("LLM_VISION_MODEL", "gpt-4o"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let llm = config::Settings::from_vars(vars.into_iter().collect()).unwrap().llm;
    let clock: Arc<dyn services::Clock> = Arc::new(services::SystemClock);
    let gateway = LlmGateway::from_settings(
        &llm,
        backend.db.clone(),
        clock,
        LlmMetrics::unregistered().unwrap(),
        Arc::new(crate::llm::RecordingSleeper::default()),
    )
    .unwrap()
    .unwrap();
    let context = CallContext { user_id: domain::UserId::new(), profile_id: None, operation: Operation::Chat };
    let messages = vec![ChatMessage { role: Role::User, content: "Read it.".into() }];
    let found: Found = gateway.structured_seeing(context, messages, &[image()], |_: &Found| Ok(())).await.unwrap();
    assert_eq!(found.text, "Speisekarte");
    let bodies = sent(&server).await;
    assert_eq!(bodies.len(), 2, "one re-ask");
    for body in &bodies {
        assert_eq!(body["model"], "gpt-4o", "the vision model");
        let user = body["messages"].as_array().unwrap().iter().rev().find(|m| m["role"] == "user").unwrap();
        assert_eq!(user["content"][1]["type"], "image_url", "the picture goes with every ask: {body}");
    }
}
