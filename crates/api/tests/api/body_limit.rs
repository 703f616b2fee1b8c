//! The body limit holds while a body streams in: a chunked body is refused once it passes the
//! limit, before the client has sent it all.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{MINI_APP_ORIGIN, spawn_app_with_routes};

fn test_routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/test/upload",
        web::post().to(|body: web::Json<serde_json::Value>| async move { HttpResponse::Ok().json(body.into_inner()) }),
    );
}

/// Sends `bytes` of a JSON array as 64 KiB chunks and then stalls without finishing the body.
async fn send_chunked_and_stall(port: u16, bytes: usize) -> String {
    let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let writer_task = tokio::spawn(async move {
        let head = format!(
            "POST /test/upload HTTP/1.1\r\nHost: localhost\r\nOrigin: {MINI_APP_ORIGIN}\r\n\
             Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        writer.write_all(head.as_bytes()).await?;
        let chunk = vec![b' '; 64 * 1024];
        let mut sent = 0;
        while sent < bytes {
            writer.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
            writer.write_all(&chunk).await?;
            writer.write_all(b"\r\n").await?;
            sent += chunk.len();
        }
        // The body is never finished: a server that waits for all of it never answers.
        std::future::pending::<()>().await;
        Ok::<(), std::io::Error>(())
    });
    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), async {
        let mut buf = [0u8; 8192];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    response.extend_from_slice(&buf[..n]);
                    if response.windows(4).any(|w| w == b"\r\n\r\n") && response.ends_with(b"}}") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    writer_task.abort();
    assert!(read.is_ok(), "no answer while the body was still streaming: the server waited for all of it");
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn a_2_mib_chunked_body_gets_413_before_it_is_sent_whole() {
    let app = spawn_app_with_routes(test_routes).await;
    // 1.5 MiB sent of a body meant to be 2 MiB: past the 1 MiB limit, not yet complete.
    let response = send_chunked_and_stall(app.port, 3 * 512 * 1024).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    let lower = response.to_ascii_lowercase();
    assert!(lower.contains(&format!("access-control-allow-origin: {MINI_APP_ORIGIN}")), "{response}");
    assert!(lower.contains("x-request-id: "), "{response}");
    assert!(response.contains(r#""code":"PAYLOAD_TOO_LARGE""#), "{response}");
}

#[tokio::test]
async fn a_chunked_body_under_the_limit_goes_through() {
    let app = spawn_app_with_routes(test_routes).await;
    let body = format!("[{}]", vec!["1"; 100_000].join(","));
    let stream = futures_util::stream::iter(
        body.into_bytes().chunks(16 * 1024).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>(),
    );
    let response = app
        .client
        .post(app.url("/test/upload"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let echoed: Vec<u8> = response.json().await.unwrap();
    assert_eq!(echoed.len(), 100_000);
}
