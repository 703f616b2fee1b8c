import { useState } from 'react';
import { useParams } from 'react-router-dom';
import type { Card } from '../api/types';
import { CardForm } from '../components/CardForm';
import { CardSaveError } from '../components/CardSaveError';
import { ErrorState, Skeleton } from '../components/States';
import { useCreateCard, useDeck } from '../hooks/deckQueries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { emptyCardForm, newCardOf } from './cardForm';

/** `/cards/:deckId/add`: one card typed by hand; the form clears for the next one. */
export function CardAddScreen() {
  const { t } = useI18n();
  const { deckId = '' } = useParams();
  const deck = useDeck(deckId);
  const create = useCreateCard();
  const [values, setValues] = useState(emptyCardForm);
  const [added, setAdded] = useState<Card | null>(null);

  if (deck.isPending) {
    return (
      <main className="screen">
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

  return (
    <main className="screen card-add">
      <header className="screen-header">
        <h1>{t('card.addTitle')}</h1>
        <p className="hint">{t('card.deck', { deck: deck.data.name })}</p>
      </header>
      <CardForm
        values={values}
        onChange={(next) => {
          create.reset();
          setAdded(null);
          setValues(next);
        }}
        submitLabel={t('card.add')}
        pending={create.isPending}
        onSubmit={() =>
          create.mutate(newCardOf(values, deckId), {
            onSuccess: (card) => {
              haptics.notification('success');
              setAdded(card);
              setValues(emptyCardForm());
            },
            onError: () => haptics.notification('error'),
          })
        }
      >
        <CardSaveError error={create.error} />
        {added && (
          <p className="hint" role="status">
            {t('card.added', { front: added.front })}
          </p>
        )}
      </CardForm>
    </main>
  );
}
