//! Several cards created together (LLM generation): the target deck, duplicates looked up
//! before any LLM call, the plan limit checked up front, and one transaction for the lot.

use domain::{CardContent, DeckId, ProfileId, UserId};
use repositories::{RepoError, TransactionTrait, cards, decks, progress, users};

use super::{Card, CardError, CardService, CardSource};

/// Where generated cards go: a deck of the resolved profile.
#[derive(Debug, Clone, Copy)]
pub struct GenerationTarget {
    pub profile_id: ProfileId,
    pub deck_id: DeckId,
}

#[derive(Debug, Clone)]
pub enum BatchOutcome {
    Created(Card),
    /// The card already in the profile (or created earlier in the same batch).
    Duplicate(Card),
}

impl CardService {
    /// The deck cards of `profile_id` go to: `deck_id` when it is one of that profile's decks,
    /// otherwise the profile's default deck.
    pub async fn generation_target(
        &self,
        user_id: UserId,
        profile_id: ProfileId,
        deck_id: Option<DeckId>,
    ) -> Result<GenerationTarget, CardError> {
        let conn = self.db.conn();
        let deck = match deck_id {
            Some(id) => decks::find_owned(conn, user_id, id)
                .await?
                .filter(|d| d.profile_id == profile_id.as_uuid())
                .ok_or(CardError::DeckNotFound)?,
            None => decks::find_default(conn, profile_id).await?.ok_or(CardError::DeckNotFound)?,
        };
        Ok(GenerationTarget { profile_id, deck_id: DeckId::from_uuid(deck.id) })
    }

    /// The cards of the profile whose normalised lemma is one of `keys`, by key.
    pub async fn existing_by_key(
        &self,
        user_id: UserId,
        profile_id: ProfileId,
        keys: &[String],
    ) -> Result<Vec<(String, Card)>, CardError> {
        let rows = cards::find_by_lemma_keys(self.db.conn(), profile_id, keys).await?;
        let keys_in_order: Vec<String> = rows.iter().map(|r| r.lemma_key.clone()).collect();
        Ok(keys_in_order.into_iter().zip(self.with_progress(user_id, rows).await?).collect())
    }

    /// Fails with `LimitReached` unless `adding` more cards fit the user's plan.
    pub async fn ensure_room(&self, user_id: UserId, adding: usize) -> Result<(), CardError> {
        let conn = self.db.conn();
        let user = users::find_by_id(conn, user_id).await?.ok_or(CardError::UserGone)?;
        Ok(self.entitlement(&user).ensure_card_room(conn, user_id, adding as u64).await?)
    }

    /// Creates the cards in one transaction, in order. A card whose lemma is already in the
    /// profile (or earlier in the batch) is reported as a duplicate, not created. The plan
    /// limit applies to the whole batch: everything fits or nothing is created.
    pub async fn create_batch(
        &self,
        user_id: UserId,
        target: GenerationTarget,
        contents: Vec<CardContent>,
        source: CardSource,
    ) -> Result<Vec<BatchOutcome>, CardError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let user = self.lock_user(&txn, user_id).await?;
        // The LLM took a while: the deck (or its profile) may have been deleted meanwhile.
        decks::find_owned(&txn, user_id, target.deck_id)
            .await?
            .filter(|deck| deck.profile_id == target.profile_id.as_uuid())
            .ok_or(CardError::DeckNotFound)?;
        let entitlement = self.entitlement(&user);
        // Counted before the inserts; the transaction rolls back whole when the batch does not fit.
        let used = match entitlement.limits.cards {
            Some(_) => cards::count_for_user(&txn, user_id).await?,
            None => 0,
        };
        let mut outcomes = Vec::with_capacity(contents.len());
        let mut created = 0usize;
        for content in contents {
            // Cards inserted earlier in this transaction are found too: in-batch repeats.
            if let Some(existing) = cards::find_by_lemma_key(&txn, target.profile_id, &content.lemma_key()).await? {
                let progress = progress::find(&txn, user_id, existing.id).await?;
                outcomes.push(BatchOutcome::Duplicate(Card::from_rows(existing, progress.as_ref())));
                continue;
            }
            let row = cards::insert(&txn, target.deck_id, target.profile_id, content, source.as_str(), now).await?;
            created += 1;
            outcomes.push(BatchOutcome::Created(Card::from_rows(row, None)));
        }
        entitlement.limits.card_room(used, created as u64)?;
        self.count_added(&txn, &user, target.profile_id, created).await?;
        txn.commit().await.map_err(RepoError::from)?;
        Ok(outcomes)
    }
}
