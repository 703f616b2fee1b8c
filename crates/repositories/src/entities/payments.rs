use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub provider: String,
    pub kind: String,
    pub plan: Option<String>,
    pub telegram_payment_charge_id: Option<String>,
    pub amount: i32,
    pub currency: String,
    pub period_days: i32,
    pub premium_until_after: DateTimeUtc,
    pub admin_id: Option<Uuid>,
    pub refund_of: Option<Uuid>,
    pub reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
