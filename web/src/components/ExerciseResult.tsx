import type { Grade, Mistake } from '../api/types';
import type { Answered } from '../exercises/session';
import type { MessageKey } from '../i18n/i18n';
import { useI18n } from '../i18n/i18n';
import { WordChips } from './WordChips';

const MISTAKE_TYPES: Partial<Record<string, MessageKey>> = {
  grammar: 'session.mistake.grammar',
  vocabulary: 'session.mistake.vocabulary',
  spelling: 'session.mistake.spelling',
  word_order: 'session.mistake.word_order',
  meaning: 'session.mistake.meaning',
  other: 'session.mistake.other',
};

const GRADE_ICONS: Record<Grade, string> = { correct: '✓', partial: '≈', incorrect: '✗' };

/** Each mistake as the learner wrote it, crossed out, then the right form; its kind when known. */
export function MistakeList({ mistakes }: { mistakes: readonly Mistake[] }) {
  const { t } = useI18n();
  if (mistakes.length === 0) return null;
  return (
    <ul className="mistakes" aria-label={t('session.mistakes')}>
      {mistakes.map((mistake, index) => {
        const kind = MISTAKE_TYPES[mistake.type];
        return (
          <li key={index} className="mistake">
            <span className="mistake-text">
              <s>{mistake.text}</s> → <strong>{mistake.suggestion}</strong>
            </span>
            {kind && <span className="hint mistake-type">{t(kind)}</span>}
          </li>
        );
      })}
    </ul>
  );
}

/** How an answer was graded: the verdict, the right answer, why, the mistakes and the missed words. */
export function ExerciseResult({ answered }: { answered: Answered }) {
  const { t } = useI18n();
  const { exercise, result, answer } = answered;
  const grade = result.result;
  // The right answer is news unless the learner wrote exactly that.
  const showCorrect = grade !== 'correct' || answer.trim().toLocaleLowerCase() !== result.correct_answer.trim().toLocaleLowerCase();
  return (
    <section
      className={`card exercise-result result-${grade}`}
      aria-label={t(`session.result.${grade}`)}
      data-testid="exercise-result"
      data-result={grade}
    >
      <h2 className={`grade-title grade-${grade}`}>
        <span aria-hidden="true">{GRADE_ICONS[grade]}</span> {t(`session.result.${grade}`)}
        {result.used_hint && <span className="badge result-hinted">{t('session.usedHint')}</span>}
      </h2>
      <p className="hint">{exercise.question}</p>
      <p className="exercise-prompt">{exercise.prompt}</p>
      <dl className="result-answers">
        <div>
          <dt>{t('session.yourAnswer')}</dt>
          <dd data-testid="given-answer">{answer}</dd>
        </div>
        {showCorrect && (
          <div>
            <dt>{t('session.correctAnswer')}</dt>
            <dd data-testid="correct-answer">
              <strong>{result.correct_answer}</strong>
            </dd>
          </div>
        )}
        {result.alternatives.length > 0 && (
          <div>
            <dt>{t('session.alternatives')}</dt>
            <dd data-testid="alternatives">{result.alternatives.join(' · ')}</dd>
          </div>
        )}
      </dl>
      {result.mistakes.length > 0 && (
        <div className="result-block">
          <h3>{t('session.mistakes')}</h3>
          <MistakeList mistakes={result.mistakes} />
        </div>
      )}
      {result.explanation && (
        <div className="result-block">
          <h3>{t('session.explanation')}</h3>
          <p data-testid="explanation">{result.explanation}</p>
        </div>
      )}
      {/* Words missed: one tap each makes a card in the default deck. */}
      <WordChips words={result.words} source="manual" label={t('session.words')} />
    </section>
  );
}
