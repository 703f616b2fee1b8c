//! Teacher groups: the group, its members (the owner always a teacher member), invite codes
//! and the decks and topics shared with it. Every invariant of `groups-and-billing.md` is held
//! by the database itself, on both engines:
//! - the owner is a teacher member: `groups (id, owner_id, owner_role)` refers to
//!   `group_members (group_id, user_id, role)` through a foreign key checked at commit, so the
//!   group and its first member go in one transaction and the owner can be neither removed nor
//!   made a student;
//! - an invite's `uses` never passes `max_uses`, whatever two joins do at once;
//! - a material is exactly one deck or one topic, shared once per group.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;
use crate::m20261127_000002_profiles_decks_sessions::Decks;
use crate::m20261127_000003_cards_and_study::cascade;
use crate::m20261128_000030_topics_and_exercises::Topics;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The owner's membership, checked when the transaction commits (both engines defer it).
const OWNER_MEMBER_FK: &str = "FOREIGN KEY (id, owner_id, owner_role) REFERENCES group_members (group_id, user_id, role) \
     DEFERRABLE INITIALLY DEFERRED";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let groups = groups().to_owned();
        if backend == DbBackend::Sqlite {
            // SQLite cannot add a constraint later; it accepts one on a table yet to come.
            let sql = groups.to_string(SqliteQueryBuilder);
            let sql = match sql.rfind(')').and_then(|end| sql.split_at_checked(end)) {
                Some((columns, close)) => format!("{columns}, {OWNER_MEMBER_FK}{close}"),
                None => return Err(DbErr::Migration("unexpected CREATE TABLE text".into())),
            };
            db.execute_unprepared(&sql).await?;
        } else {
            manager.create_table(groups).await?;
        }
        manager.create_table(group_members()).await?;
        manager.create_table(group_invites(backend)).await?;
        manager.create_table(group_materials()).await?;
        let mut statements = vec![
            // The target of the owner's foreign key.
            "CREATE UNIQUE INDEX ux_group_members_role ON group_members (group_id, user_id, role)".to_owned(),
            "CREATE INDEX ix_group_members_user ON group_members (user_id)".to_owned(),
            "CREATE UNIQUE INDEX ux_groups_owner_name ON groups (owner_id, name_key) WHERE archived_at IS NULL"
                .to_owned(),
            "CREATE INDEX ix_groups_owner ON groups (owner_id)".to_owned(),
            "CREATE INDEX ix_group_invites_group ON group_invites (group_id)".to_owned(),
            "CREATE UNIQUE INDEX ux_group_materials_deck ON group_materials (group_id, deck_id)".to_owned(),
            "CREATE UNIQUE INDEX ux_group_materials_topic ON group_materials (group_id, topic_id)".to_owned(),
            "CREATE INDEX ix_group_materials_deck ON group_materials (deck_id)".to_owned(),
            "CREATE INDEX ix_group_materials_topic ON group_materials (topic_id)".to_owned(),
        ];
        if backend == DbBackend::Postgres {
            statements.push(format!("ALTER TABLE groups ADD CONSTRAINT fk_groups_owner_member {OWNER_MEMBER_FK}"));
        }
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let tables = if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("ALTER TABLE groups DROP CONSTRAINT IF EXISTS fk_groups_owner_member").await?;
            [GroupMaterials::Table.into_iden(), GroupInvites::Table.into_iden(), GroupMembers::Table.into_iden()]
        } else {
            [GroupMaterials::Table.into_iden(), GroupInvites::Table.into_iden(), Groups::Table.into_iden()]
        };
        for table in tables {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        let last = if manager.get_database_backend() == DbBackend::Postgres {
            Groups::Table.into_iden()
        } else {
            GroupMembers::Table.into_iden()
        };
        manager.drop_table(Table::drop().table(last).if_exists().to_owned()).await?;
        Ok(())
    }
}

fn groups() -> TableCreateStatement {
    Table::create()
        .table(Groups::Table)
        .col(pk_uuid(Groups::Id))
        .col(uuid(Groups::OwnerId))
        .col(text(Groups::Name).check(Expr::cust("length(trim(name)) BETWEEN 1 AND 80")))
        // The name folded by the application (Unicode-aware): unique per owner among live groups.
        .col(text(Groups::NameKey))
        .col(text_null(Groups::Description).check(Expr::cust("length(description) <= 500")))
        .col(text(Groups::Language).check(Expr::cust("length(language) = 2 AND language = lower(language)")))
        .col(integer(Groups::MaxMembers).check(Expr::col(Groups::MaxMembers).between(2, 1000)))
        // Always 'teacher': the role the owner's membership must have (see the module note).
        .col(text(Groups::OwnerRole).default("teacher").check(Expr::col(Groups::OwnerRole).eq("teacher")))
        .col(timestamp_with_time_zone(Groups::CreatedAt))
        .col(timestamp_with_time_zone(Groups::UpdatedAt))
        .col(timestamp_with_time_zone_null(Groups::ArchivedAt))
        .foreign_key(&mut cascade((Groups::Table, Groups::OwnerId), (Users::Table, Users::Id)))
        .to_owned()
}

fn group_members() -> TableCreateStatement {
    Table::create()
        .table(GroupMembers::Table)
        .col(uuid(GroupMembers::GroupId))
        .col(uuid(GroupMembers::UserId))
        .col(text(GroupMembers::Role).check(Expr::col(GroupMembers::Role).is_in(["teacher", "student"])))
        .col(timestamp_with_time_zone(GroupMembers::JoinedAt))
        .primary_key(Index::create().col(GroupMembers::GroupId).col(GroupMembers::UserId))
        .foreign_key(&mut cascade((GroupMembers::Table, GroupMembers::GroupId), (Groups::Table, Groups::Id)))
        .foreign_key(&mut cascade((GroupMembers::Table, GroupMembers::UserId), (Users::Table, Users::Id)))
        .to_owned()
}

fn group_invites(backend: DbBackend) -> TableCreateStatement {
    // `g_<code>` must fit Telegram's 64-character start payload of `[A-Za-z0-9_-]`.
    let code_shape = match backend {
        DbBackend::Sqlite => "length(code) BETWEEN 8 AND 32 AND code NOT GLOB '*[^A-Za-z0-9_-]*'",
        _ => "code ~ '^[A-Za-z0-9_-]{8,32}$'",
    };
    Table::create()
        .table(GroupInvites::Table)
        .col(pk_uuid(GroupInvites::Id))
        .col(uuid(GroupInvites::GroupId))
        .col(text_uniq(GroupInvites::Code).check(Expr::cust(code_shape)))
        .col(uuid(GroupInvites::CreatedBy))
        .col(timestamp_with_time_zone_null(GroupInvites::ExpiresAt))
        .col(integer_null(GroupInvites::MaxUses).check(Expr::cust("max_uses >= 1")))
        .col(integer(GroupInvites::Uses).default(0))
        .col(timestamp_with_time_zone_null(GroupInvites::RevokedAt))
        .col(timestamp_with_time_zone(GroupInvites::CreatedAt))
        .check(Expr::cust("uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)"))
        .foreign_key(&mut cascade((GroupInvites::Table, GroupInvites::GroupId), (Groups::Table, Groups::Id)))
        .foreign_key(&mut cascade((GroupInvites::Table, GroupInvites::CreatedBy), (Users::Table, Users::Id)))
        .to_owned()
}

fn group_materials() -> TableCreateStatement {
    Table::create()
        .table(GroupMaterials::Table)
        .col(pk_uuid(GroupMaterials::Id))
        .col(uuid(GroupMaterials::GroupId))
        .col(uuid_null(GroupMaterials::DeckId))
        .col(uuid_null(GroupMaterials::TopicId))
        .col(uuid(GroupMaterials::SharedBy))
        .col(timestamp_with_time_zone(GroupMaterials::SharedAt))
        .check(Expr::cust("(deck_id IS NULL) <> (topic_id IS NULL)"))
        .foreign_key(&mut cascade((GroupMaterials::Table, GroupMaterials::GroupId), (Groups::Table, Groups::Id)))
        .foreign_key(&mut cascade((GroupMaterials::Table, GroupMaterials::DeckId), (Decks::Table, Decks::Id)))
        .foreign_key(&mut cascade((GroupMaterials::Table, GroupMaterials::TopicId), (Topics::Table, Topics::Id)))
        .foreign_key(&mut cascade((GroupMaterials::Table, GroupMaterials::SharedBy), (Users::Table, Users::Id)))
        .to_owned()
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
    OwnerId,
    Name,
    NameKey,
    Description,
    Language,
    MaxMembers,
    OwnerRole,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum GroupMembers {
    Table,
    GroupId,
    UserId,
    Role,
    JoinedAt,
}

#[derive(DeriveIden)]
enum GroupInvites {
    Table,
    Id,
    GroupId,
    Code,
    CreatedBy,
    ExpiresAt,
    MaxUses,
    Uses,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GroupMaterials {
    Table,
    Id,
    GroupId,
    DeckId,
    TopicId,
    SharedBy,
    SharedAt,
}
