import { Link } from 'react-router-dom';
import type { Card, CardSource, WordSuggestion } from '../api/types';
import { isApiError } from '../api/errors';
import { useCreateCard } from '../hooks/deckQueries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';

/**
 * The words an answer taught (or an exercise's answer missed), each one tap away from a card
 * in the default deck; `source` is the card's origin, `label` the line above the chips.
 */
export function WordChips({
  words,
  source = 'chat',
  label,
}: {
  words: WordSuggestion[];
  source?: CardSource;
  label?: string;
}) {
  const { t } = useI18n();
  if (words.length === 0) return null;
  return (
    <div className="word-chips">
      <p className="hint">{label ?? t('chat.words')}</p>
      <ul className="chips">
        {words.map((word, index) => (
          <li key={`${index}-${word.word}`}>
            <WordChip word={word} source={source} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function existingCard(error: unknown): Card | undefined {
  if (!isApiError(error) || error.code !== 'DUPLICATE_CARD') return undefined;
  const existing = error.details?.existing;
  return typeof existing === 'object' && existing !== null && 'id' in existing ? (existing as Card) : undefined;
}

/**
 * `POST /api/cards {front: word, back: translation, notes: note, source}`. Once added
 * (or found already there: 409 DUPLICATE_CARD) the chip links to the card; 402 says the plan's
 * card limit is reached; any other failure can be tapped again.
 */
function WordChip({ word, source }: { word: WordSuggestion; source: CardSource }) {
  const { t } = useI18n();
  const create = useCreateCard();
  const label = (
    <>
      <strong>{word.word}</strong>
      <span className="word-chip-translation">{word.translation}</span>
    </>
  );

  const added = create.data;
  const existing = existingCard(create.error);
  if (added || existing) {
    const card = added ?? existing;
    return (
      <Link
        to={`/cards/card/${card?.id ?? ''}`}
        className="chip word-chip word-chip-done"
        data-word={word.word}
        data-state={added ? 'added' : 'exists'}
      >
        {label}
        <span className="word-chip-state">{added ? `✓ ${t('chat.word.added')}` : t('chat.word.exists')}</span>
      </Link>
    );
  }
  const limit = isApiError(create.error) && create.error.code === 'LIMIT_REACHED';
  let state = `+ ${t('chat.word.add')}`;
  if (create.isPending) state = '…';
  else if (limit) state = t('chat.word.limit');
  else if (create.isError) state = t('chat.word.failed');
  return (
    <button
      type="button"
      className={`chip word-chip ${create.isError ? 'word-chip-error' : ''}`}
      data-word={word.word}
      data-state={limit ? 'limit' : create.isError ? 'failed' : 'idle'}
      disabled={create.isPending || limit}
      aria-busy={create.isPending}
      onClick={() =>
        create.mutate(
          {
            front: word.word,
            back: word.translation,
            ...(word.note ? { notes: word.note } : {}),
            source,
          },
          {
            onSuccess: () => haptics.notification('success'),
            onError: (error) => haptics.notification(existingCard(error) ? 'warning' : 'error'),
          },
        )
      }
    >
      {label}
      <span className="word-chip-state">{state}</span>
    </button>
  );
}
