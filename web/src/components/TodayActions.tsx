import { Link } from 'react-router-dom';
import { useDecks, useStudyCounts } from '../hooks/deckQueries';
import { useI18n } from '../i18n/i18n';
import { NewCardsWaiting } from './NewCardsWaiting';
import { ErrorState, Skeleton } from './States';
import { studyTotal } from './DeckCounts';

/**
 * A learner without a single card: what to do first (add words, import a deck, ask the
 * tutor), never "all done for today".
 */
export function FirstSteps({ llm }: { llm: boolean }) {
  const { t } = useI18n();
  const decks = useDecks();
  const deck = decks.data?.find((d) => d.is_default) ?? decks.data?.[0];
  const deckPath = deck ? `/cards/${deck.id}` : '/cards';
  return (
    <section className="card first-steps" aria-label={t('home.firstSteps.title')} data-testid="first-steps">
      <p className="section-title">{t('home.firstSteps.title')}</p>
      <p className="hint">{t('home.firstSteps.text')}</p>
      <Link to={deck ? `${deckPath}/add` : '/cards'} className="button button-primary button-wide" data-testid="first-add">
        {t('home.firstSteps.add')}
      </Link>
      <Link to={deckPath} className="button button-wide" data-testid="first-import">
        {t('home.firstSteps.import')}
      </Link>
      {llm && (
        <Link to="/exercises" className="button button-wide" data-testid="exercises-action">
          {t('home.exercises')}
        </Link>
      )}
      {llm && (
        <Link to="/chat" className="button button-wide" data-testid="tutor-action">
          {t('home.firstSteps.tutor')}
        </Link>
      )}
    </section>
  );
}

/**
 * Home's quick actions: study what is due, the cards themselves, exercises, and the tutor. Without an
 * LLM on the server (`llm` false) the tutor is shown disabled with the reason, not as a link
 * to a screen that could only say 503.
 */
export function TodayActions({ llm = true }: { llm?: boolean }) {
  const { t } = useI18n();
  // Profile-wide counts from the server: summing decks would over-count new cards, whose
  // daily allowance is per profile.
  const counts = useStudyCounts();
  const total = counts.data === undefined ? undefined : studyTotal(counts.data);

  return (
    <section className="card today" aria-label={t('home.today')}>
      <p className="section-title">{t('home.today')}</p>
      {counts.isPending && <Skeleton lines={2} />}
      {counts.isError && <ErrorState error={counts.error} onRetry={() => counts.refetch()} />}
      {total !== undefined && (
        <>
          {total > 0 ? (
            <Link to="/study" className="button button-primary button-wide" data-testid="study-action">
              {t('home.study')} · {total}
            </Link>
          ) : (
            <button type="button" className="button button-primary button-wide" disabled data-testid="study-action">
              {t('home.study')}
            </button>
          )}
          <p className="hint" data-testid="study-total">
            {total > 0
              ? t('home.studyCount', { count: total })
              : t(counts.data && counts.data.waiting > 0 ? 'home.nothingDueWaiting' : 'home.nothingDue')}
          </p>
          {counts.data && <NewCardsWaiting waiting={counts.data.waiting} />}
        </>
      )}
      <Link to="/cards" className="button button-wide" data-testid="cards-action">
        {t('home.cards')}
      </Link>
      {/* Topics and history work without an LLM; the exercises screen says what does not. */}
      <Link to="/exercises" className="button button-wide" data-testid="exercises-action">
        {t('home.exercises')}
      </Link>
      <Link to="/stats" className="button button-wide" data-testid="stats-action">
        {t('home.stats')}
      </Link>
      {llm ? (
        <Link to="/chat" className="button button-wide" data-testid="tutor-action">
          {t('home.askTutor')}
        </Link>
      ) : (
        <>
          <button
            type="button"
            className="button button-wide"
            disabled
            aria-describedby="tutor-unavailable"
            data-testid="tutor-action"
          >
            {t('home.askTutor')}
          </button>
          <p id="tutor-unavailable" className="hint" data-testid="tutor-unavailable">
            {t('home.tutorUnavailable')}
          </p>
        </>
      )}
    </section>
  );
}
