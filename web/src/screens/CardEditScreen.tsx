import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { Card } from '../api/types';
import { CardForm } from '../components/CardForm';
import { CardSaveError } from '../components/CardSaveError';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { ErrorState, InlineError, Skeleton } from '../components/States';
import { isCardState } from '../domain/cardStates';
import { useCard, useDecks, useDeleteCard, useMoveCard, usePatchCard } from '../hooks/deckQueries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { cardChanges, cardFormOf, contentOf } from './cardForm';

/** `/cards/card/:cardId`: edit every field, move to another deck, delete. */
export function CardEditScreen() {
  const { cardId = '' } = useParams();
  const card = useCard(cardId);
  if (card.isPending) {
    return (
      <main className="screen">
        <Skeleton lines={8} />
      </main>
    );
  }
  if (card.isError) {
    return (
      <main className="screen">
        <ErrorState error={card.error} onRetry={() => card.refetch()} />
      </main>
    );
  }
  return <CardEditor key={card.data.id} card={card.data} />;
}

function CardEditor({ card }: { card: Card }) {
  const { t, lang } = useI18n();
  const [values, setValues] = useState(() => cardFormOf(card));
  const save = usePatchCard(card.id);
  const patch = cardChanges(card, values);
  const dirty = Object.keys(patch).length > 0;
  const due = card.progress?.due;

  return (
    <main className="screen card-edit">
      <header className="screen-header">
        <h1>{t('card.editTitle')}</h1>
        <p className="hint">
          {card.progress
            ? `${isCardState(card.progress.state) ? t(`cardState.${card.progress.state}`) : card.progress.state} · ${t('card.due', {
                date: new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
                  new Date(due ?? card.created_at),
                ),
              })}`
            : t('card.unreviewed')}
        </p>
      </header>
      <CardForm
        values={values}
        showOptional
        onChange={(next) => {
          save.reset();
          setValues(next);
        }}
        submitLabel={t('common.save')}
        pending={save.isPending || !dirty}
        onSubmit={() =>
          // The whole card, not just `patch`: the form edits every field, and a full body
          // means the same whether the server merges a PATCH or replaces the card.
          save.mutate(contentOf(values), {
            onSuccess: (updated) => {
              haptics.notification('success');
              setValues(cardFormOf(updated));
            },
            onError: () => haptics.notification('error'),
          })
        }
      >
        <CardSaveError error={save.error} />
        {save.isSuccess && !dirty && (
          <p className="hint" role="status">
            {t('common.saved')}
          </p>
        )}
      </CardForm>
      <MoveCard card={card} />
      <DeleteCard card={card} />
    </main>
  );
}

function MoveCard({ card }: { card: Card }) {
  const { t } = useI18n();
  const decks = useDecks({ profileId: card.profile_id, includeArchived: true });
  const move = useMoveCard(card.id);
  const others = decks.data?.filter((deck) => deck.id !== card.deck_id) ?? [];
  const [target, setTarget] = useState('');
  const chosen = others.find((deck) => deck.id === target) ?? others[0];
  const current = decks.data?.find((deck) => deck.id === card.deck_id);

  return (
    <section className="card form" aria-label={t('card.move')}>
      <p className="section-title">{t('card.move')}</p>
      {current && <p className="hint">{t('card.deck', { deck: current.name })}</p>}
      {decks.isPending && <Skeleton lines={1} />}
      {decks.isError && <ErrorState error={decks.error} onRetry={() => decks.refetch()} />}
      {decks.isSuccess && others.length === 0 && <p className="hint">{t('card.noOtherDecks')}</p>}
      {others.length > 0 && chosen && (
        <div className="row">
          <select
            className="input input-grow"
            aria-label={t('card.move')}
            value={chosen.id}
            onChange={(event) => {
              move.reset();
              setTarget(event.target.value);
            }}
          >
            {others.map((deck) => (
              <option key={deck.id} value={deck.id}>
                {deck.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button"
            disabled={move.isPending}
            onClick={() =>
              move.mutate(chosen.id, {
                onSuccess: () => haptics.notification('success'),
                onError: () => haptics.notification('error'),
              })
            }
          >
            {t('card.moveSubmit')}
          </button>
        </div>
      )}
      {move.isSuccess && (
        <p className="hint" role="status">
          {t('card.moved', { deck: decks.data?.find((d) => d.id === move.data.deck_id)?.name ?? '' })}
        </p>
      )}
      <InlineError error={move.error} />
    </section>
  );
}

function DeleteCard({ card }: { card: Card }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteCard(card.id);
  return (
    <section className="card danger-zone">
      {confirming ? (
        <ConfirmPanel
          text={t('card.deleteConfirm', { front: card.front })}
          confirmLabel={t('card.deleteYes')}
          pending={remove.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: () => {
                haptics.notification('success');
                navigate(`/cards/${card.deck_id}`, { replace: true });
              },
              onError: () => {
                haptics.notification('error');
                setConfirming(false);
              },
            })
          }
        />
      ) : (
        <button type="button" className="button button-danger-outline button-wide" onClick={() => setConfirming(true)}>
          {t('card.delete')}
        </button>
      )}
      <InlineError error={remove.error} />
    </section>
  );
}
