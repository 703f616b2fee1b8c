use crate::helpers::{assert_contract, production_overrides, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_openapi_document_describes_the_service_routes_and_the_error_body() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/health"]["get"].is_object(), "{doc}");
    assert!(doc["paths"]["/ready"]["get"]["responses"]["503"].is_object(), "{doc}");
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object(), "{doc}");
    for path in ["/api/auth/validate", "/api/auth/refresh", "/api/me", "/api/profiles", "/api/profiles/{id}/activate"] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(doc["components"]["schemas"]["ProfileResponse"]["properties"]["target_level"].is_object());

    let ui = app.get("/api/docs/").await;
    assert_eq!(ui.status(), 200);
    assert!(ui.text().await.unwrap().contains("swagger-ui"));
}

#[tokio::test]
async fn production_serves_the_document_but_not_swagger_ui() {
    let app = spawn_app_with(&production_overrides()).await;
    assert_eq!(app.get("/api/openapi.json").await.status(), 200);
    assert_contract(app.get("/api/docs/").await, 404, "NOT_FOUND").await;
}
