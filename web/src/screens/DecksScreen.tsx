import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { Deck } from '../api/types';
import { DeckCounts, studyTotal } from '../components/DeckCounts';
import { DeckForm } from '../components/DeckForm';
import { NewCardsWaiting } from '../components/NewCardsWaiting';
import { EmptyState, ErrorState, InlineError, Skeleton } from '../components/States';
import { useCreateDeck, useDecks, useStudyCounts } from '../hooks/deckQueries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { deckFormOf, newDeckOf } from './deckForm';

/** `/cards`: the active profile's decks with today's counts, and a new-deck form. */
export function DecksScreen() {
  const { t } = useI18n();
  const [showArchived, setShowArchived] = useState(false);
  const decks = useDecks({ includeArchived: showArchived });
  // The profile-wide total from the server: new cards have one daily allowance per profile,
  // so adding up the decks would over-count them.
  const today = useStudyCounts();
  const total = today.data ? studyTotal(today.data) : 0;

  return (
    <main className="screen decks">
      <h1>{t('decks.title')}</h1>
      {decks.isPending && <Skeleton lines={5} />}
      {decks.isError && <ErrorState error={decks.error} onRetry={() => decks.refetch()} />}
      {decks.isSuccess && (
        <>
          {total > 0 && (
            <Link to="/study" className="button button-primary button-wide" data-testid="study-all">
              {t('decks.studyAll')} · {total}
            </Link>
          )}
          {today.data && <NewCardsWaiting waiting={today.data.waiting} />}
          {decks.data.length === 0 ? (
            <EmptyState text={t('decks.empty')} action={null} />
          ) : (
            <ul className="deck-list">
              {decks.data.map((deck) => (
                <DeckRow key={deck.id} deck={deck} />
              ))}
            </ul>
          )}
          <label className="field field-inline">
            <span>{t('decks.showArchived')}</span>
            <input type="checkbox" checked={showArchived} onChange={(event) => setShowArchived(event.target.checked)} />
          </label>
        </>
      )}
      <NewDeck />
    </main>
  );
}

function DeckRow({ deck }: { deck: Deck }) {
  const { t } = useI18n();
  const due = studyTotal(deck.counts);
  return (
    <li className="card deck-row" data-deck={deck.name}>
      <Link to={`/cards/${deck.id}`} className="deck-link">
        <span className="deck-name">{deck.name}</span>
        {deck.is_default && <span className="badge">{t('decks.default')}</span>}
        {deck.archived_at && <span className="badge">{t('decks.archived')}</span>}
      </Link>
      {deck.description && <p className="hint">{deck.description}</p>}
      <DeckCounts counts={deck.counts} />
      <div className="row row-between">
        <span className="hint">{t('decks.total', { total: deck.counts.total })}</span>
        {due > 0 && !deck.archived_at && (
          <Link to={`/study?deck=${deck.id}`} className="button button-small" data-testid="deck-study">
            {t('decks.study')} · {due}
          </Link>
        )}
      </div>
    </li>
  );
}

function NewDeck() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState(deckFormOf);
  const create = useCreateDeck();

  if (!open) {
    return (
      <button type="button" className="button button-wide" onClick={() => setOpen(true)}>
        + {t('decks.create')}
      </button>
    );
  }
  return (
    <section className="card" aria-label={t('decks.create')}>
      <p className="section-title">{t('decks.create')}</p>
      <DeckForm
        label={t('decks.create')}
        values={values}
        onChange={(next) => {
          create.reset();
          setValues(next);
        }}
        submitLabel={t('decks.createSubmit')}
        pending={create.isPending}
        onCancel={() => setOpen(false)}
        onSubmit={() =>
          create.mutate(newDeckOf(values), {
            onSuccess: (deck) => {
              haptics.notification('success');
              navigate(`/cards/${deck.id}`);
            },
            onError: () => haptics.notification('error'),
          })
        }
      >
        <InlineError error={create.error} />
      </DeckForm>
    </section>
  );
}
