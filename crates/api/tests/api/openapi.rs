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

/// The operations of a document as (method, path).
fn operations(doc: &serde_json::Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            found.push((method.clone(), path.clone()));
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn the_document_lists_exactly_the_route_table_and_dev_sign_in_only_where_it_exists() {
    let mut table: Vec<(String, String)> =
        api::routes::API_ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    table.sort();
    let production = spawn_app_with(&production_overrides()).await;
    let doc: serde_json::Value = production.get("/api/openapi.json").await.json().await.unwrap();
    assert_eq!(operations(&doc), table, "each route once, each documented route real");

    let test = spawn_app().await;
    let doc: serde_json::Value = test.get("/api/openapi.json").await.json().await.unwrap();
    let mut with_dev = table.clone();
    with_dev.extend(api::routes::DEVELOPMENT_ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())));
    with_dev.sort();
    assert_eq!(operations(&doc), with_dev);
}

#[tokio::test]
async fn every_protected_operation_declares_its_token_and_every_error_it_can_answer() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let public =
        ["/health", "/ready", "/api/auth/validate", "/api/auth/refresh", "/api/auth/logout", "/api/auth/dev-login"];
    for (method, path) in operations(&doc) {
        let operation = &doc["paths"][&path][&method];
        let responses = operation["responses"].as_object().unwrap();
        let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
        assert_eq!(secured, !public.contains(&path.as_str()), "{method} {path}: security");
        if secured {
            assert!(responses.contains_key("401"), "{method} {path}: 401");
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "415", "422"] {
                assert!(responses.contains_key(status), "{method} {path}: {status}");
            }
        }
        if path.contains('{') {
            assert!(responses.contains_key("404"), "{method} {path}: 404");
        }
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path} {status}");
            }
        }
    }
    let page = doc["paths"]["/api/cards"]["get"]["parameters"].as_array().unwrap();
    let limit = page.iter().find(|p| p["name"] == "limit").unwrap();
    assert_eq!((limit["schema"]["minimum"].as_u64(), limit["schema"]["maximum"].as_u64()), (Some(1), Some(100)));
}

#[tokio::test]
async fn every_reference_resolves_and_every_operation_id_is_unique() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "{name} is referred to but not defined");
    }
    let mut ids: Vec<&str> = operations(&doc)
        .iter()
        .map(|(method, path)| doc["paths"][path][method]["operationId"].as_str().unwrap())
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "operationIds repeat: {ids:?}");
}
