use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "cards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub deck_id: Uuid,
    pub profile_id: Uuid,
    pub front: String,
    pub back: String,
    pub lemma: Option<String>,
    #[serde(skip_serializing)]
    pub lemma_key: String,
    #[serde(skip_serializing)]
    pub search_key: String,
    pub part_of_speech: Option<String>,
    pub gender: Option<String>,
    pub forms: Option<Json>,
    pub transcription: Option<String>,
    pub example: Option<String>,
    pub example_translation: Option<String>,
    pub notes: Option<String>,
    pub source: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
