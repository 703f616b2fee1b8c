//! Signing in and calling the API as a user.

use reqwest::{Method, Response};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{Value, json};
use services::auth::sign_with_bot_token;

use crate::helpers::TestApp;

/// A signed-in user of a test app.
pub struct User {
    pub access_token: String,
    pub refresh_token: String,
    pub id: String,
}

impl TestApp {
    /// initData for `telegram_id`, signed with the app's bot token as Telegram would sign it.
    pub fn init_data(&self, telegram_id: i64, first_name: &str) -> String {
        let user = json!({"id": telegram_id, "first_name": first_name, "language_code": "ru"});
        sign_with_bot_token(
            &self.bot_token,
            &[
                ("auth_date", self.clock_now().timestamp().to_string()),
                ("query_id", "AAtest".to_owned()),
                ("user", user.to_string()),
            ],
        )
    }

    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use services::Clock;
        self.clock.now()
    }

    pub async fn validate(&self, init_data: &str) -> Response {
        self.client.post(self.url("/api/auth/validate")).json(&json!({ "init_data": init_data })).send().await.unwrap()
    }

    pub async fn sign_in(&self, telegram_id: i64) -> User {
        let response = self.validate(&self.init_data(telegram_id, "Test")).await;
        assert_eq!(response.status(), 200, "sign-in failed");
        let body: Value = response.json().await.unwrap();
        User {
            access_token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
            id: body["user"]["id"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.client
            .post(self.url("/api/auth/refresh"))
            .json(&json!({ "refresh_token": refresh_token }))
            .send()
            .await
            .unwrap()
    }

    pub async fn call(&self, method: Method, path: impl AsRef<str>, token: &str, body: Option<Value>) -> Response {
        let mut request = self.client.request(method, self.url(path.as_ref())).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    pub async fn create_profile(&self, user: &User, language: &str) -> Response {
        let body = json!({"language": language, "current_level": "A2", "target_level": "B2", "goals": ["travel"], "interface_language": "ru"});
        self.call(Method::POST, "/api/profiles", &user.access_token, Some(body)).await
    }

    /// A direct database connection, for arranging state and checking what was stored.
    pub async fn db(&self) -> DatabaseConnection {
        Database::connect(self.db_url.as_str()).await.unwrap()
    }

    pub async fn make_premium(&self, user: &User) {
        let db = self.db().await;
        let sql = format!("UPDATE users SET premium_until = now() + interval '30 days' WHERE id = '{}'", user.id);
        db.execute_unprepared(&sql).await.unwrap();
        // A change made outside the api-server reaches it once its cached copy of the user
        // has aged out (AUTH_USER_CACHE_SECONDS, 10 by default).
        self.clock.advance(chrono::Duration::seconds(11));
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let db = self.db().await;
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    }
}
