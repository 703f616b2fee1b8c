import { useEffect } from 'react';
import { Link, useBlocker, useSearchParams } from 'react-router-dom';
import type { Rating } from '../api/types';
import { isApiError } from '../api/errors';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FlashCard } from '../components/FlashCard';
import { RatingButtons } from '../components/RatingButtons';
import { EmptyState, ErrorState, InlineError, Skeleton } from '../components/States';
import { StudySummary } from '../components/StudySummary';
import { useSharedDeck } from '../groups/queries';
import { useDeck } from '../hooks/deckQueries';
import { useI18n } from '../i18n/i18n';
import { NewCardsWaiting } from '../components/NewCardsWaiting';
import { currentItem, inProgress, leftToday, nextWaitingDue, remaining, summaryOf } from '../study/session';
import { useStudySession, type StudySession } from '../study/useStudySession';
import { useClosingConfirmation } from '../telegram/closingConfirmation';

/**
 * `/study` (every deck of the active profile), `/study?deck=<id>`, or a deck a teacher shared
 * with one of my groups: `/study?deck=<id>&group=<group id>`.
 */
export function StudyScreen() {
  const [params] = useSearchParams();
  const deckId = params.get('deck') ?? undefined;
  const groupId = (deckId && params.get('group')) || undefined;
  // A new deck starts a new session.
  return <StudySessionView key={deckId ?? 'all'} deckId={deckId} groupId={groupId} />;
}

function StudySessionView({ deckId, groupId }: { deckId: string | undefined; groupId: string | undefined }) {
  const { t } = useI18n();
  const session = useStudySession(deckId, 3);
  const { state } = session;
  const busyLeaving = inProgress(state);
  const blocker = useBlocker(busyLeaving);
  useClosingConfirmation(busyLeaving);
  useStudyKeys(session);

  return (
    <main className="screen study">
      <header className="study-header">
        <div>
          <h1>{t('study.title')}</h1>
          {deckId && (groupId ? <SharedDeckName groupId={groupId} id={deckId} /> : <DeckName id={deckId} />)}
        </div>
        {state.phase !== 'done' && state.phase !== 'error' && state.startedAt !== null && (
          <span
            className="badge study-left"
            data-testid="left"
            aria-live="polite"
            title={state.counts ? t('study.leftCounts', state.counts) : undefined}
          >
            {t('study.left', { n: leftToday(state) })}
          </span>
        )}
      </header>
      <StudyBody session={session} deckId={deckId} groupId={groupId} />
      {blocker.state === 'blocked' && (
        <ConfirmDialog
          text={t('study.exitConfirm')}
          confirmLabel={t('study.exitYes')}
          cancelLabel={t('study.exitNo')}
          onConfirm={() => blocker.proceed()}
          onCancel={() => blocker.reset()}
        />
      )}
    </main>
  );
}

function DeckName({ id }: { id: string }) {
  const { t } = useI18n();
  const deck = useDeck(id);
  return deck.data ? <p className="hint">{t('card.deck', { deck: deck.data.name })}</p> : null;
}

/** A shared deck is not mine: its name comes from the group's materials. */
function SharedDeckName({ groupId, id }: { groupId: string; id: string }) {
  const { t } = useI18n();
  const deck = useSharedDeck(groupId, id);
  return deck ? <p className="hint">{t('card.deck', { deck: deck.name })}</p> : null;
}

function StudyBody({
  session,
  deckId,
  groupId,
}: {
  session: StudySession;
  deckId: string | undefined;
  groupId: string | undefined;
}) {
  const { t, lang } = useI18n();
  const { state } = session;
  const item = currentItem(state);
  const now = Date.now();

  if (state.phase === 'loading') return <Skeleton lines={5} />;
  if (state.phase === 'error') return <ErrorState error={state.loadError} onRetry={session.reload} />;
  if (state.phase === 'done') {
    const waiting = state.counts?.waiting ?? 0;
    if (state.answers.length === 0 && remaining(state) === 0) {
      return (
        <>
          <EmptyState
            text={t('study.empty')}
            action={
              groupId ? (
                // A student cannot add cards to a teacher's deck: back to the group instead.
                <Link to={`/groups/${groupId}`} className="button button-primary">
                  {t('groups.open')}
                </Link>
              ) : (
                <Link to={deckId ? `/cards/${deckId}/add` : '/cards'} className="button button-primary">
                  {t('study.addCards')}
                </Link>
              )
            }
          />
          {/* New cards over today's limit: say so, and offer to study them today. */}
          <NewCardsWaiting waiting={waiting} onMore={session.reload} />
        </>
      );
    }
    return (
      <>
        <StudySummary
          summary={summaryOf(state, now)}
          dayEndsAt={state.dayEndsAt}
          more={remaining(state)}
          onContinue={session.reload}
          now={now}
        />
        {remaining(state) === 0 && <NewCardsWaiting waiting={waiting} onMore={session.reload} />}
      </>
    );
  }

  const saveFailed = isApiError(session.actionError) && state.phase === 'answer' && !session.busy;
  const controls = (
    <div className="study-controls">
      <button
        type="button"
        className="button button-small"
        onClick={session.undo}
        disabled={state.answers.length === 0 || session.busy}
      >
        ↶ {t('study.undo')}
      </button>
      {state.answers.length > 0 && state.phase !== 'waiting' && (
        <button type="button" className="button button-small" onClick={session.finish}>
          {t('study.exit')}
        </button>
      )}
    </div>
  );

  if (state.phase === 'waiting') {
    const due = nextWaitingDue(state);
    const time = due ? new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(new Date(due)) : '';
    return (
      <>
        <div className="card state" role="status" data-testid="study-waiting">
          <p>{t('study.waiting', { time })}</p>
          <button type="button" className="button button-primary" onClick={session.finish}>
            {t('study.finishNow')}
          </button>
        </div>
        {controls}
        <InlineError error={session.actionError} />
      </>
    );
  }

  if (!item) return <Skeleton lines={5} />;
  const flipped = state.phase === 'answer';
  return (
    <>
      <FlashCard card={item.card} flipped={flipped} onFlip={session.flip} />
      {flipped ? (
        <RatingButtons
          intervals={item.intervals}
          count={state.ratingButtons}
          onRate={session.rate}
          disabled={session.busy || saveFailed}
        />
      ) : (
        <button type="button" className="button button-primary button-wide" onClick={session.flip}>
          {t('study.showAnswer')}
        </button>
      )}
      {saveFailed && session.actionError !== null ? (
        <div className="inline-error" role="alert">
          <InlineError error={session.actionError} extra={t('study.saveFailed')} />
          <button type="button" className="button" onClick={session.retryRate}>
            {t('study.retrySave')}
          </button>
        </div>
      ) : (
        <InlineError error={session.actionError} />
      )}
      {controls}
    </>
  );
}

/**
 * Space or Enter flips the card; 1–4 rate it (4 only with four buttons); `u` or Ctrl+Z
 * (⌘Z) undoes the last answer, as in desktop Anki.
 */
function useStudyKeys(session: StudySession): void {
  const { state, flip, rate, undo } = session;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      const key = event.key.toLowerCase();
      const undoKey = (key === 'z' && (event.ctrlKey || event.metaKey) && !event.altKey) ||
        (key === 'u' && !event.ctrlKey && !event.metaKey && !event.altKey);
      if (undoKey) {
        if (state.answers.length > 0) {
          event.preventDefault();
          undo();
        }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      // Enter on a focused button is that button's own click.
      if (event.key === 'Enter' && target?.tagName === 'BUTTON') return;
      if ((event.key === ' ' || event.key === 'Enter') && state.phase === 'question') {
        event.preventDefault();
        flip();
      } else if (state.phase === 'answer' && /^[1-4]$/.test(event.key)) {
        const rating = Number(event.key) as Rating;
        if (rating <= state.ratingButtons) {
          event.preventDefault();
          rate(rating);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [state.phase, state.ratingButtons, state.answers.length, flip, rate, undo]);
}
