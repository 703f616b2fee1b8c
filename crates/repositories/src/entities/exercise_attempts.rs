use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "exercise_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub profile_id: Uuid,
    pub topic_id: Option<Uuid>,
    pub kind: String,
    pub question: String,
    pub prompt: String,
    pub options: Option<Json>,
    pub correct_answer: String,
    pub user_answer: String,
    pub result: String,
    pub feedback: Json,
    pub used_hint: bool,
    pub duration_ms: Option<i32>,
    pub channel: String,
    pub completed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
