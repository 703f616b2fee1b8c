//! Many cards from a file into one deck: duplicates (of the profile's cards and within the
//! file) reported per row and skipped, the plan limit applied to the whole file, and all of
//! it created in one transaction, or only reported in a dry run.

use std::collections::HashMap;

use domain::{CardContent, DeckId, ProfileId, UserId};
use repositories::{RepoError, TransactionTrait, cards, decks};
use uuid::Uuid;

use super::{CardError, CardService, CardSource};

/// A card read from line `row` of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberedContent {
    pub row: usize,
    pub content: CardContent,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportDuplicate {
    pub row: usize,
    pub front: String,
    /// The card already in the profile; `None` when the clash is with an earlier row of the file.
    pub existing_card_id: Option<Uuid>,
    /// The earlier row of the file with the same word, when that is the clash.
    pub first_row: Option<usize>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub created: usize,
    pub duplicates: Vec<ImportDuplicate>,
    /// The first rows that are (or would be) created, for the preview.
    pub preview: Vec<CardContent>,
}

const PREVIEW_ROWS: usize = 20;

impl CardService {
    pub async fn import_contents(
        &self,
        user_id: UserId,
        deck_id: DeckId,
        rows: Vec<NumberedContent>,
        dry_run: bool,
    ) -> Result<ImportOutcome, CardError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let user = self.lock_user(&txn, user_id).await?;
        let deck = decks::find_owned(&txn, user_id, deck_id).await?.ok_or(CardError::DeckNotFound)?;
        let profile_id = ProfileId::from_uuid(deck.profile_id);
        let keys: Vec<String> = rows.iter().map(|r| r.content.lemma_key()).collect();
        let existing: HashMap<String, Uuid> = cards::find_by_lemma_keys(&txn, profile_id, &keys)
            .await?
            .into_iter()
            .map(|r| (r.lemma_key, r.id))
            .collect();

        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut duplicates = Vec::new();
        let mut fresh = Vec::new();
        for (numbered, key) in rows.into_iter().zip(keys) {
            let NumberedContent { row, content } = numbered;
            if let Some(id) = existing.get(&key) {
                let existing_card_id = Some(*id);
                duplicates.push(ImportDuplicate { row, front: content.front, existing_card_id, first_row: None });
            } else if let Some(first) = seen.get(&key) {
                let first_row = Some(*first);
                duplicates.push(ImportDuplicate { row, front: content.front, existing_card_id: None, first_row });
            } else {
                seen.insert(key, row);
                fresh.push(content);
            }
        }
        self.entitlement(&user).ensure_card_room(&txn, user_id, fresh.len() as u64).await?;
        let preview = fresh.iter().take(PREVIEW_ROWS).cloned().collect();
        let created = fresh.len();
        if !dry_run {
            for content in fresh {
                cards::insert(&txn, deck_id, profile_id, content, CardSource::Import.as_str(), now).await?;
            }
            self.count_added(&txn, &user, profile_id, created).await?;
            txn.commit().await.map_err(RepoError::from)?;
        }
        Ok(ImportOutcome { created, duplicates, preview })
    }
}
