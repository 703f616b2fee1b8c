import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { Card, CardState, Deck } from '../api/types';
import { isApiError } from '../api/errors';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { DeckCounts, studyTotal } from '../components/DeckCounts';
import { DeckForm } from '../components/DeckForm';
import { DeckTransfer } from '../components/DeckTransfer';
import { NewCardsWaiting } from '../components/NewCardsWaiting';
import { EmptyState, ErrorState, InlineError, Skeleton } from '../components/States';
import { CARD_STATES, isCardState } from '../domain/cardStates';
import { useCards, useDeck, useDeleteDeck, usePatchDeck } from '../hooks/deckQueries';
import { useDebounced } from '../hooks/useDebounced';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { deckChanges, deckFormOf } from './deckForm';

const SEARCH_DELAY_MS = 300;

/** `/cards/:deckId`: the deck's cards (search, state filter), import and export, settings and deletion. */
export function DeckScreen() {
  const { deckId = '' } = useParams();
  const deck = useDeck(deckId);
  if (deck.isPending) {
    return (
      <main className="screen">
        <Skeleton lines={3} />
        <Skeleton lines={6} />
      </main>
    );
  }
  if (deck.isError) {
    return (
      <main className="screen">
        <ErrorState error={deck.error} onRetry={() => deck.refetch()} />
      </main>
    );
  }
  return <DeckDetail key={deck.data.id} deck={deck.data} />;
}

function DeckDetail({ deck }: { deck: Deck }) {
  const { t } = useI18n();
  const due = studyTotal(deck.counts);
  const addLink = (
    <Link to={`/cards/${deck.id}/add`} className="button button-primary button-wide" data-testid="add-card">
      + {t('deck.addCard')}
    </Link>
  );
  return (
    <main className="screen deck">
      <header className="screen-header">
        <h1>{deck.name}</h1>
        {deck.description && <p className="hint">{deck.description}</p>}
        {deck.archived_at && <p className="hint">{t('deck.archivedHint')}</p>}
        <DeckCounts counts={deck.counts} />
        {!deck.archived_at && <NewCardsWaiting waiting={deck.counts.waiting} />}
      </header>
      <div className="row">
        {due > 0 && !deck.archived_at && (
          <Link to={`/study?deck=${deck.id}`} className="button button-grow" data-testid="deck-study">
            {t('decks.study')} · {due}
          </Link>
        )}
      </div>
      {deck.counts.total > 0 && addLink}
      <CardList deck={deck} emptyAction={addLink} />
      <DeckTransfer deck={deck} />
      <DeckSettings deck={deck} />
    </main>
  );
}

function CardList({ deck, emptyAction }: { deck: Deck; emptyAction: ReactNode }) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [state, setState] = useState<CardState | ''>('');
  const query = useDebounced(search.trim(), SEARCH_DELAY_MS);
  const cards = useCards({ deck_id: deck.id, search: query || undefined, state: state || undefined });
  const list = cards.data?.pages.flatMap((page) => page.data) ?? [];
  const filtered = query !== '' || state !== '';

  if (deck.counts.total === 0 && !filtered && cards.isSuccess && list.length === 0) {
    return <EmptyState text={t('deck.empty')} action={emptyAction} />;
  }
  return (
    <section className="card" aria-label={t('deck.cards')}>
      <div className="filters">
        <input
          type="search"
          className="input"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder={t('deck.search')}
          aria-label={t('deck.search')}
        />
        <select
          className="input"
          aria-label={t('deck.filter')}
          value={state}
          onChange={(event) => setState(event.target.value as CardState | '')}
        >
          <option value="">{t('deck.filter.all')}</option>
          {CARD_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`cardState.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {cards.isPending && <Skeleton lines={4} />}
      {cards.isError && <ErrorState error={cards.error} onRetry={() => cards.refetch()} />}
      {cards.isSuccess && list.length === 0 && (
        <p className="hint" role="status">
          {filtered ? t('deck.nothingFound') : t('deck.empty')}
        </p>
      )}
      {list.length > 0 && (
        <ul className="card-list" aria-busy={cards.isFetching}>
          {list.map((card) => (
            <CardRow key={card.id} card={card} />
          ))}
        </ul>
      )}
      {cards.hasNextPage && (
        <button
          type="button"
          className="button button-wide"
          onClick={() => cards.fetchNextPage()}
          disabled={cards.isFetchingNextPage}
        >
          {t('deck.loadMore')}
        </button>
      )}
    </section>
  );
}

function CardRow({ card }: { card: Card }) {
  const { t } = useI18n();
  const state = card.progress?.state ?? 'new';
  return (
    <li>
      <Link to={`/cards/card/${card.id}`} className="card-row" data-front={card.front}>
        <span className="card-row-text">
          <strong>{card.front}</strong>
          <span className="hint">{card.back}</span>
        </span>
        <span className={`badge badge-${state}`}>{isCardState(state) ? t(`cardState.${state}`) : state}</span>
      </Link>
    </li>
  );
}

/** Rename and describe; archive and delete except for the default deck. */
function DeckSettings({ deck }: { deck: Deck }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [values, setValues] = useState(() => deckFormOf(deck));
  const [confirming, setConfirming] = useState(false);
  // The server's count when cards arrived after the deck was loaded (409 details.cards).
  const [serverCount, setServerCount] = useState<number | null>(null);
  const patch = usePatchDeck(deck.id);
  const remove = useDeleteDeck(deck.id);
  const cards = serverCount ?? deck.counts.total;

  const save = () => {
    const changes = deckChanges(deck, values);
    if (Object.keys(changes).length === 0) {
      setEditing(false);
      return;
    }
    patch.mutate(changes, {
      onSuccess: (updated) => {
        haptics.notification('success');
        setValues(deckFormOf(updated));
        setEditing(false);
      },
      onError: () => haptics.notification('error'),
    });
  };

  const deleteDeck = () =>
    remove.mutate(cards > 0, {
      onSuccess: () => {
        haptics.notification('success');
        navigate('/cards', { replace: true });
      },
      onError: (error) => {
        haptics.notification('error');
        const count = isApiError(error) && error.code === 'CONFLICT' ? error.detailNumber('cards') : undefined;
        if (count !== undefined) {
          // Cards were added meanwhile: ask again with the real number.
          setServerCount(count);
          remove.reset();
        } else {
          setConfirming(false);
        }
      },
    });

  return (
    <section className="card danger-zone" aria-label={t('deck.editTitle')}>
      <p className="section-title">{t('deck.editTitle')}</p>
      {editing ? (
        <DeckForm
          label={t('deck.editTitle')}
          values={values}
          onChange={(next) => {
            patch.reset();
            setValues(next);
          }}
          submitLabel={t('common.save')}
          pending={patch.isPending}
          onSubmit={save}
          onCancel={() => {
            setValues(deckFormOf(deck));
            setEditing(false);
          }}
        >
          <InlineError error={patch.error} />
        </DeckForm>
      ) : (
        <button type="button" className="button button-wide" onClick={() => setEditing(true)}>
          {t('deck.edit')}
        </button>
      )}
      {deck.is_default ? (
        <p className="hint">{t('deck.defaultHint')}</p>
      ) : (
        <>
          <button
            type="button"
            className="button button-wide"
            disabled={patch.isPending}
            onClick={() =>
              patch.mutate(
                { archived: !deck.archived_at },
                { onSuccess: () => haptics.notification('success') },
              )
            }
          >
            {deck.archived_at ? t('deck.unarchive') : t('deck.archive')}
          </button>
          {confirming ? (
            <ConfirmPanel
              text={
                cards > 0
                  ? t('deck.deleteConfirmCards', { name: deck.name, cards })
                  : t('deck.deleteConfirmEmpty', { name: deck.name })
              }
              confirmLabel={t('deck.deleteYes')}
              onConfirm={deleteDeck}
              onCancel={() => setConfirming(false)}
              pending={remove.isPending}
            />
          ) : (
            <button
              type="button"
              className="button button-danger-outline button-wide"
              onClick={() => setConfirming(true)}
            >
              {t('deck.delete')}
            </button>
          )}
          <InlineError error={remove.error} />
        </>
      )}
    </section>
  );
}
