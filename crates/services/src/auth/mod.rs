//! Sign-in: Telegram initData → user upsert → an access token and a rotating refresh token.

mod init_data;
mod tokens;

use std::sync::Arc;

use chrono::Duration;
use config::Settings;
use domain::{InterfaceLanguage, UserId};
use repositories::users;
use repositories::{Database, RepoError, TransactionTrait, sessions};
use secrecy::SecretString;
use uuid::Uuid;

pub use self::init_data::{
    InitDataError, InitDataVerifier, TELEGRAM_PUBLIC_KEYS_HEX, VerifiedInitData, sign_with_bot_token,
};
pub use self::tokens::{AccessTokens, Claims, hash_refresh_token};
use crate::Clock;
use crate::user_cache::UserCache;
use crate::users::{User, interface_language};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    InitData(#[from] InitDataError),
    /// A missing, malformed or forged access token, or an unusable refresh token.
    #[error("invalid credentials")]
    InvalidToken,
    #[error("the access token has expired")]
    TokenExpired,
    /// Signed before the user's latest logout: clients treat it like an expired token.
    #[error("the access token was revoked")]
    TokenRevoked,
    /// A spent refresh token came back: its whole family has been revoked.
    #[error("a rotated refresh token was reused")]
    RefreshReused,
    /// The token is fine but its user has been deleted.
    #[error("the user no longer exists")]
    UnknownUser,
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("{0}")]
    Unexpected(String),
}

/// A signed-in session as handed to the client.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub access_expires_at: chrono::DateTime<chrono::Utc>,
    pub refresh_token: String,
    pub user: User,
}

/// Who a request comes from, and the language to speak to them in.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    pub language: InterfaceLanguage,
}

/// The identity the local dev sign-in pretends Telegram sent.
#[derive(Debug, Clone)]
pub struct DevIdentity {
    pub telegram_id: i64,
    pub first_name: String,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AuthService {
    db: Database,
    clock: Arc<dyn Clock>,
    users: UserCache,
    verifier: InitDataVerifier,
    tokens: AccessTokens,
    refresh_ttl: Duration,
    bot_token: SecretString,
}

impl AuthService {
    pub fn new(settings: &Settings, db: Database, clock: Arc<dyn Clock>, users: UserCache) -> Self {
        let auth = &settings.auth;
        Self {
            db,
            clock,
            users,
            verifier: InitDataVerifier::new(&settings.telegram.bot_token, auth.init_data_max_age_seconds),
            tokens: AccessTokens::new(&auth.secret_key, Duration::minutes(auth.access_token_expire_minutes)),
            refresh_ttl: Duration::days(auth.refresh_token_expire_days),
            bot_token: settings.telegram.bot_token.clone(),
        }
    }

    /// Validates initData, creates or refreshes the user, and opens a new session family.
    pub async fn sign_in(&self, init_data: &str, user_agent: Option<&str>) -> Result<Session, AuthError> {
        let now = self.clock.now();
        let verified = self.verifier.verify(init_data, now)?;
        let user = users::upsert_from_telegram(self.db.conn(), &verified.account, now).await?;
        // The names Telegram reports may have changed.
        self.users.forget(UserId::from_uuid(user.id));
        self.issue(self.db.conn(), user, Uuid::now_v7(), user_agent).await
    }

    /// Local development only (the caller guarantees the environment): signs initData with our
    /// own bot token and takes exactly the path a real Mini App launch takes.
    pub async fn dev_sign_in(&self, identity: DevIdentity, user_agent: Option<&str>) -> Result<Session, AuthError> {
        let user = serde_json::json!({
            "id": identity.telegram_id,
            "first_name": identity.first_name,
            "username": identity.username,
            "language_code": identity.language_code,
        });
        let fields = [
            ("auth_date", self.clock.now().timestamp().to_string()),
            ("query_id", format!("dev-{}", Uuid::now_v7().simple())),
            ("user", user.to_string()),
        ];
        let init_data = sign_with_bot_token(&self.bot_token, &fields);
        self.sign_in(&init_data, user_agent).await
    }

    /// Spends `refresh_token` and issues a new pair in the same family. A token that was
    /// already spent revokes the whole family: whoever holds the newer token loses it too.
    pub async fn refresh(&self, refresh_token: &str, user_agent: Option<&str>) -> Result<Session, AuthError> {
        let now = self.clock.now();
        let hash = hash_refresh_token(refresh_token);
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let Some(session) = sessions::find_by_hash_for_update(&txn, &hash).await? else {
            return Err(AuthError::InvalidToken);
        };
        let spent = session.revoked_at.is_some() || !sessions::revoke_one(&txn, session.id, now).await?;
        if spent {
            sessions::revoke_family(&txn, session.family_id, now).await?;
            txn.commit().await.map_err(RepoError::from)?;
            tracing::warn!(family = %session.family_id, "refresh token reuse: session family revoked");
            return Err(AuthError::RefreshReused);
        }
        if session.expires_at <= now {
            txn.commit().await.map_err(RepoError::from)?;
            return Err(AuthError::InvalidToken);
        }
        let user_id = UserId::from_uuid(session.user_id);
        let user = users::find_by_id(&txn, user_id).await?.ok_or(AuthError::UnknownUser)?;
        let issued = self.issue(&txn, user, session.family_id, user_agent).await?;
        txn.commit().await.map_err(RepoError::from)?;
        Ok(issued)
    }

    /// Revokes the token's whole family and every access token issued so far (the user's other
    /// devices refresh theirs); unknown tokens are ignored so logout is idempotent.
    pub async fn logout(&self, refresh_token: &str) -> Result<(), AuthError> {
        let hash = hash_refresh_token(refresh_token);
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let Some(session) = sessions::find_by_hash_for_update(&txn, &hash).await? else {
            return Ok(());
        };
        let user_id = UserId::from_uuid(session.user_id);
        sessions::revoke_family(&txn, session.family_id, self.clock.now()).await?;
        users::bump_auth_version(&txn, user_id).await?;
        txn.commit().await.map_err(RepoError::from)?;
        self.users.forget(user_id);
        Ok(())
    }

    /// Deletes refresh sessions that can never be used again (expired, or revoked with their
    /// whole family); the notifier runs it on a schedule. Returns how many went.
    pub async fn purge_dead_sessions(&self) -> Result<u64, AuthError> {
        let deleted = sessions::delete_dead(self.db.conn(), self.clock.now()).await?;
        if deleted > 0 {
            tracing::info!(deleted, "dead refresh sessions deleted");
        }
        Ok(deleted)
    }

    /// Whose a valid access token is, from its signature alone (no database read): for rate
    /// limits, never for access decisions.
    pub fn token_subject(&self, access_token: &str) -> Option<UserId> {
        self.tokens.verify(access_token, self.clock.now()).ok().map(|claims| UserId::from_uuid(claims.sub))
    }

    /// The user behind an access token, with the language to answer them in. Deleted users and
    /// tokens from before a logout are refused, at once on this instance and within
    /// `AUTH_USER_CACHE_SECONDS` on the others (the user row is cached, see [`UserCache`]).
    pub async fn authenticate(&self, access_token: &str) -> Result<Authenticated, AuthError> {
        let claims = self.tokens.verify(access_token, self.clock.now())?;
        let found = self.users.get(UserId::from_uuid(claims.sub)).await?.ok_or(AuthError::UnknownUser)?;
        if found.user.auth_version != claims.ver {
            return Err(AuthError::TokenRevoked);
        }
        let language = interface_language(found.interface_language.as_deref(), found.user.language_code.as_deref());
        Ok(Authenticated { user: User::from(found.user.clone()), language })
    }

    async fn issue(
        &self,
        conn: &impl repositories::ConnectionTrait,
        user: users::UserRow,
        family_id: Uuid,
        user_agent: Option<&str>,
    ) -> Result<Session, AuthError> {
        let now = self.clock.now();
        let version = user.auth_version;
        let user = User::from(user);
        let (access_token, access_expires_at) = self.tokens.issue(user.id, user.telegram_id, version, now)?;
        let refresh_token = tokens::new_refresh_token();
        let hash = hash_refresh_token(&refresh_token);
        // User agents are client-controlled: keep a bounded, printable prefix only.
        let user_agent = user_agent.map(|ua| ua.chars().filter(|c| !c.is_control()).take(256).collect::<String>());
        sessions::insert(
            conn,
            sessions::NewSession {
                user_id: user.id,
                family_id,
                token_hash: &hash,
                created_at: now,
                expires_at: now + self.refresh_ttl,
                user_agent: user_agent.as_deref(),
            },
        )
        .await?;
        Ok(Session { access_token, access_expires_at, refresh_token, user })
    }
}
