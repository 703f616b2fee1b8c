use crate::helpers::{production_overrides, spawn_app, spawn_app_with};

#[tokio::test]
async fn every_response_carries_the_security_headers_and_telegram_may_frame_us() {
    let app = spawn_app().await;
    for path in ["/health", "/missing"] {
        let response = app.get(path).await;
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'self' https://web.telegram.org"), "{csp}");
        assert!(h.get("x-frame-options").is_none(), "X-Frame-Options would break Telegram Web");
        assert!(h.get("strict-transport-security").is_none(), "no HSTS outside staging/production");
    }
}

#[tokio::test]
async fn production_adds_hsts() {
    let app = spawn_app_with(&production_overrides()).await;
    let response = app.get("/health").await;
    assert!(response.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
}
