import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import type { Card, Deck } from '../api/types';
import { CardForm } from '../components/CardForm';
import { CardSaveError } from '../components/CardSaveError';
import { GenerateCards } from '../components/GenerateCards';
import { PhotoWords } from '../components/PhotoWords';
import { ErrorState, Skeleton } from '../components/States';
import { useCreateCard, useDeck } from '../hooks/deckQueries';
import { llmAvailable, useMe } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { emptyCardForm, newCardOf } from './cardForm';

type Mode = 'manual' | 'generate' | 'photo';
const MODES: Mode[] = ['manual', 'generate', 'photo'];
const MODE_LABEL = { manual: 'card.mode.manual', generate: 'card.mode.generate', photo: 'card.mode.photo' } as const;

/**
 * `/cards/:deckId/add`: one card typed by hand (the form clears for the next one), or
 * `?mode=generate`: cards generated from a list of words, or `?mode=photo`: words read from
 * a photo. The mode stays put while a generation runs (switching would drop its results);
 * without an LLM on the server both AI modes are shown disabled with the reason, and the hand
 * form is used.
 */
export function CardAddScreen() {
  const { t } = useI18n();
  const { deckId = '' } = useParams();
  const deck = useDeck(deckId);
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const [generating, setGenerating] = useState(false);
  const llm = llmAvailable(me.data);
  const asked = params.get('mode');
  const mode: Mode = llm && (asked === 'generate' || asked === 'photo') ? asked : 'manual';

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

  const choose = (next: Mode) => {
    if (next === mode || generating) return;
    haptics.selection();
    setParams(next === 'manual' ? {} : { mode: next }, { replace: true });
  };

  return (
    <main className="screen card-add">
      <header className="screen-header">
        <h1>{t('card.addTitle')}</h1>
        <p className="hint">{t('card.deck', { deck: deck.data.name })}</p>
      </header>
      <div className="segmented" role="group" aria-label={t('card.mode')}>
        {MODES.map((option) => (
          <button
            key={option}
            type="button"
            className={`segment ${mode === option ? 'segment-selected' : ''}`}
            aria-pressed={mode === option}
            data-mode={option}
            disabled={generating || (option !== 'manual' && !llm)}
            aria-describedby={option !== 'manual' && !llm ? 'generate-unavailable' : undefined}
            onClick={() => choose(option)}
          >
            {t(MODE_LABEL[option])}
          </button>
        ))}
      </div>
      {!llm && (
        <p id="generate-unavailable" className="hint" data-testid="generate-unavailable">
          {t('card.mode.generateUnavailable')}
        </p>
      )}
      {mode === 'manual' && <ManualCard deck={deck.data} />}
      {mode === 'generate' && <GenerateCards key={deck.data.id} deck={deck.data} onRunningChange={setGenerating} />}
      {mode === 'photo' && <PhotoWords key={deck.data.id} deck={deck.data} />}
    </main>
  );
}

function ManualCard({ deck }: { deck: Deck }) {
  const { t } = useI18n();
  const create = useCreateCard();
  const [values, setValues] = useState(emptyCardForm);
  const [added, setAdded] = useState<Card | null>(null);
  return (
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
        create.mutate(newCardOf(values, deck.id), {
          onSuccess: (card) => {
            haptics.notification('success');
            setAdded(card);
            setValues(emptyCardForm());
            // The next word goes straight in: focus back to the (cleared) word field.
            window.requestAnimationFrame(() =>
              document.querySelector<HTMLInputElement>('form input[name="front"]')?.focus(),
            );
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
  );
}
