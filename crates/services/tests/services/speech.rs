//! Speech to text through the provider layer: the Whisper-compatible multipart request, the
//! same retries as every call, Anthropic's "not offered", a separate speech server, and the
//! accounting row.

use std::sync::Arc;

use services::llm::{CallContext, LlmError, LlmGateway, LlmMetrics, LlmProvider, Operation, TranscriptionRequest};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::llm::{RecordingSleeper, provider};

const AUDIO: &[u8] = b"OggS\x00\x02fake-opus-frames";

fn request() -> TranscriptionRequest {
    TranscriptionRequest {
        model: "whisper-1".into(),
        audio: AUDIO.to_vec(),
        file_name: "voice.ogg".into(),
        mime: "audio/ogg".into(),
    }
}

fn transcriptions() -> wiremock::MockBuilder {
    Mock::given(method("POST")).and(path("/v1/audio/transcriptions")).and(header("authorization", "Bearer sk-test-key"))
}

#[tokio::test]
async fn sends_the_recording_as_multipart_and_reads_the_text() {
    let server = MockServer::start().await;
    transcriptions()
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"text": " Wie spät ist es? "})))
        .expect(1)
        .mount(&server)
        .await;
    let transcript = provider(&server, Arc::default()).transcribe(&request()).await.unwrap();
    assert_eq!(transcript.text, "Wie spät ist es?");
    let sent = &server.received_requests().await.unwrap()[0];
    let content_type = sent.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let body = String::from_utf8_lossy(&sent.body);
    assert!(body.contains("name=\"model\"\r\n\r\nwhisper-1"), "{body}");
    assert!(body.contains("name=\"file\"; filename=\"voice.ogg\"") && body.contains("audio/ogg"), "{body}");
    assert!(body.contains("fake-opus-frames"));
}

#[tokio::test]
async fn retries_a_5xx_and_never_a_4xx() {
    let server = MockServer::start().await;
    transcriptions().respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    transcriptions()
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"text": "hallo"})))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let transcript = provider(&server, sleeper.clone()).transcribe(&request()).await.unwrap();
    assert_eq!(transcript.text, "hallo");
    assert_eq!(sleeper.0.lock().unwrap().len(), 1, "one retry after the 503");

    let refusing = MockServer::start().await;
    transcriptions()
        .respond_with(ResponseTemplate::new(400).set_body_string(r#"{"error":{"message":"Invalid file format."}}"#))
        .expect(1)
        .mount(&refusing)
        .await;
    let error = provider(&refusing, Arc::default()).transcribe(&request()).await.unwrap_err();
    assert!(matches!(error, LlmError::Status { status: 400, .. }), "{error:?}");
}

#[tokio::test]
async fn anthropic_has_no_speech_unless_a_speech_server_is_set_and_calls_are_accounted() {
    let backend = test_support::backends::migrated_postgres().await;
    let speech = MockServer::start().await;
    let settings = |extra: &[(&str, &str)]| {
        let mut vars: Vec<(String, String)> = [
            ("APP_ENV", "test"),
            ("LLM_PROVIDER", "anthropic"),
            ("ANTHROPIC_API_KEY", "sk-ant-test"),
            ("LLM_BASE_URL", "http://127.0.0.1:9"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        vars.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        config::Settings::from_vars(vars.into_iter().collect()).unwrap().llm
    };
    let clock: Arc<dyn services::Clock> = Arc::new(services::SystemClock);
    let gateway = |llm: &config::LlmSettings| {
        let metrics = LlmMetrics::unregistered().unwrap();
        LlmGateway::from_settings(
            llm,
            backend.db.clone(),
            clock.clone(),
            metrics,
            Arc::new(RecordingSleeper::default()),
        )
        .unwrap()
        .unwrap()
    };
    let user = repositories::users::upsert_from_telegram(
        backend.db.conn(),
        &repositories::users::TelegramAccount {
            telegram_id: 31,
            first_name: "Ann".into(),
            last_name: None,
            username: None,
            language_code: None,
            photo_url: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let context =
        CallContext { user_id: domain::UserId::from_uuid(user.id), profile_id: None, operation: Operation::Voice };

    let without = gateway(&settings(&[]));
    let error = without.transcribe(context, AUDIO.to_vec(), "voice.ogg", "audio/ogg").await.unwrap_err();
    assert_eq!(error, LlmError::Unsupported("speech to text"));

    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .and(header("authorization", "Bearer sk-speech"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"text": "bonjour"})))
        .expect(1)
        .mount(&speech)
        .await;
    let speech_url = format!("{}/v1", speech.uri());
    let with = gateway(&settings(&[("LLM_SPEECH_BASE_URL", &speech_url), ("LLM_SPEECH_API_KEY", "sk-speech")]));
    let transcript = with.transcribe(context, AUDIO.to_vec(), "voice.ogg", "audio/ogg").await.unwrap();
    assert_eq!(transcript.text, "bonjour");

    use sea_orm::{ConnectionTrait, Statement};
    let rows = backend
        .db
        .conn()
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT operation, outcome, provider FROM token_usage ORDER BY created_at".to_owned(),
        ))
        .await
        .unwrap();
    let seen: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (r.try_get("", "operation").unwrap(), r.try_get("", "outcome").unwrap(), r.try_get("", "provider").unwrap())
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("voice".to_owned(), "error".to_owned(), "anthropic".to_owned()),
            ("voice".to_owned(), "ok".to_owned(), "openai".to_owned()),
        ]
    );
}
