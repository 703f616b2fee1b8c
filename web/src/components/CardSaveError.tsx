import { Link } from 'react-router-dom';
import type { Card } from '../api/types';
import { isApiError } from '../api/errors';
import { useDecks } from '../hooks/deckQueries';
import { useI18n } from '../i18n/i18n';
import { InlineError } from './States';

function existingCardOf(error: unknown): Card | undefined {
  if (!isApiError(error) || error.code !== 'DUPLICATE_CARD') return undefined;
  const existing = error.details?.existing;
  return typeof existing === 'object' && existing !== null && 'id' in existing ? (existing as Card) : undefined;
}

/**
 * A failed card save. A duplicate names the card already there and its deck, with a link
 * to it, so the learner can edit that one instead; other errors (402 limit, …) as usual.
 */
export function CardSaveError({ error }: { error: unknown }) {
  const existing = existingCardOf(error);
  if (!existing) return <InlineError error={error} />;
  return <DuplicateCard existing={existing} />;
}

function DuplicateCard({ existing }: { existing: Card }) {
  const { t } = useI18n();
  const decks = useDecks({ profileId: existing.profile_id });
  const deck = decks.data?.find((d) => d.id === existing.deck_id);
  return (
    <div className="inline-error" role="alert" data-testid="duplicate-card">
      <p>{t('card.duplicate', { deck: deck?.name ?? '…' })}</p>
      <p>
        <strong>{existing.front}</strong> — {existing.back}
      </p>
      <Link to={`/cards/card/${existing.id}`}>{t('card.openExisting')}</Link>
    </div>
  );
}
