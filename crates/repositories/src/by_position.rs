//! Decoding a joined row by column position. sea-orm's derived decoders find a prefixed
//! column (`c_front`) by formatting its name and looking it up, for every column of every row:
//! an allocation and a hash lookup each, a sixth of the api-server's CPU on the queue
//! (docs/performance.md). The hot statements select an entity's columns with the lists
//! below (`raw::columns`, in the entity's column order), so they can be read back in that
//! order instead.

use std::sync::LazyLock;

use sea_orm::{DbErr, EntityTrait, Iterable, QueryResult, TryGetable};
use uuid::Uuid;

use crate::entities::{card_progress, cards, decks};
use crate::raw::columns;

/// The columns `card` reads, of the card aliased `c`.
pub(crate) static CARD_COLUMNS: LazyLock<String> = LazyLock::new(|| columns::<cards::Entity>("c", "c_"));
/// The columns `progress` reads, of the progress row aliased `p`.
pub(crate) static PROGRESS_COLUMNS: LazyLock<String> = LazyLock::new(|| columns::<card_progress::Entity>("p", "p_"));
/// The columns `deck` reads, of the deck aliased `d`.
pub(crate) static DECK_COLUMNS: LazyLock<String> = LazyLock::new(|| columns::<decks::Entity>("d", "d_"));

/// A row's columns, read one after another from a starting position.
pub(crate) struct Columns<'r> {
    row: &'r QueryResult,
    next: usize,
}

impl<'r> Columns<'r> {
    pub(crate) fn from(row: &'r QueryResult, first: usize) -> Self {
        Self { row, next: first }
    }

    fn take<T: TryGetable>(&mut self) -> Result<T, DbErr> {
        let value = self.row.try_get_by_index(self.next);
        self.next += 1;
        value
    }

    /// Past the columns of `E` that follow, when its row is absent (a LEFT JOIN's NULLs).
    fn skip<E: EntityTrait>(&mut self, already_read: usize) {
        self.next += E::Column::iter().count() - already_read;
    }
}

/// The card of `CARD_COLUMNS` at the cursor; `None` when its id is NULL.
pub(crate) fn card(columns: &mut Columns<'_>) -> Result<Option<cards::Model>, DbErr> {
    let Some(id) = columns.take::<Option<Uuid>>()? else {
        columns.skip::<cards::Entity>(1);
        return Ok(None);
    };
    // Fields in the entity's column order, the order `CARD_COLUMNS` selects them in.
    Ok(Some(cards::Model {
        id,
        deck_id: columns.take()?,
        profile_id: columns.take()?,
        front: columns.take()?,
        back: columns.take()?,
        lemma: columns.take()?,
        lemma_key: columns.take()?,
        search_key: columns.take()?,
        part_of_speech: columns.take()?,
        gender: columns.take()?,
        forms: columns.take()?,
        transcription: columns.take()?,
        example: columns.take()?,
        example_translation: columns.take()?,
        notes: columns.take()?,
        source: columns.take()?,
        created_at: columns.take()?,
        updated_at: columns.take()?,
    }))
}

/// The progress row of `PROGRESS_COLUMNS` at the cursor; `None` when its
/// id is NULL.
pub(crate) fn progress(columns: &mut Columns<'_>) -> Result<Option<card_progress::Model>, DbErr> {
    let Some(id) = columns.take::<Option<Uuid>>()? else {
        columns.skip::<card_progress::Entity>(1);
        return Ok(None);
    };
    Ok(Some(card_progress::Model {
        id,
        user_id: columns.take()?,
        card_id: columns.take()?,
        state: columns.take()?,
        stability: columns.take()?,
        difficulty: columns.take()?,
        due: columns.take()?,
        last_review: columns.take()?,
        reps: columns.take()?,
        lapses: columns.take()?,
        step: columns.take()?,
        updated_at: columns.take()?,
    }))
}

/// The deck of `DECK_COLUMNS` at the cursor; `None` when its id is NULL.
pub(crate) fn deck(columns: &mut Columns<'_>) -> Result<Option<decks::Model>, DbErr> {
    let Some(id) = columns.take::<Option<Uuid>>()? else {
        columns.skip::<decks::Entity>(1);
        return Ok(None);
    };
    Ok(Some(decks::Model {
        id,
        profile_id: columns.take()?,
        owner_id: columns.take()?,
        name: columns.take()?,
        name_key: columns.take()?,
        description: columns.take()?,
        is_default: columns.take()?,
        archived_at: columns.take()?,
        created_at: columns.take()?,
        updated_at: columns.take()?,
    }))
}

/// A count column at the cursor.
pub(crate) fn count(columns: &mut Columns<'_>) -> Result<u64, DbErr> {
    Ok(crate::raw::count(columns.take::<i64>()?))
}

#[cfg(test)]
mod tests {
    use sea_orm::{IdenStatic, Iterable};

    use crate::entities::{card_progress, cards, decks};

    /// The decoders above list the fields in the order the entities declare their columns; a
    /// column added, removed or moved in an entity must be mirrored there. The names in the
    /// entities' order, to compare with the decoders when this fails.
    #[test]
    fn the_decoders_cover_every_column_in_the_entities_order() {
        let names = |columns: Vec<&'static str>| columns.join(",");
        assert_eq!(
            names(cards::Column::iter().map(|c| c.as_str()).collect()),
            "id,deck_id,profile_id,front,back,lemma,lemma_key,search_key,part_of_speech,gender,forms,\
             transcription,example,example_translation,notes,source,created_at,updated_at"
        );
        assert_eq!(
            names(card_progress::Column::iter().map(|c| c.as_str()).collect()),
            "id,user_id,card_id,state,stability,difficulty,due,last_review,reps,lapses,step,updated_at"
        );
        assert_eq!(
            names(decks::Column::iter().map(|c| c.as_str()).collect()),
            "id,profile_id,owner_id,name,name_key,description,is_default,archived_at,created_at,updated_at"
        );
    }
}
