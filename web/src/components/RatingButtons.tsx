import type { Intervals, Rating } from '../api/types';
import { formatInterval } from '../domain/intervals';
import { useI18n, type MessageKey } from '../i18n/i18n';

const BUTTONS: { rating: Rating; label: MessageKey; interval: keyof Intervals }[] = [
  { rating: 1, label: 'study.again', interval: 'again' },
  { rating: 2, label: 'study.hard', interval: 'hard' },
  { rating: 3, label: 'study.good', interval: 'good' },
  { rating: 4, label: 'study.easy', interval: 'easy' },
];

/** Again / Hard / Good (and Easy with 4 buttons), each with the interval it would give. */
export function RatingButtons({
  intervals,
  count,
  onRate,
  disabled,
}: {
  intervals: Intervals;
  count: 3 | 4;
  onRate: (rating: Rating) => void;
  disabled: boolean;
}) {
  const { t, lang } = useI18n();
  return (
    <div className={`ratings ratings-${count}`} role="group" aria-label={t('study.title')}>
      {BUTTONS.slice(0, count).map((button) => (
        <button
          key={button.rating}
          type="button"
          className={`rating rating-${button.interval}`}
          onClick={() => onRate(button.rating)}
          disabled={disabled}
          data-rating={button.rating}
          aria-keyshortcuts={String(button.rating)}
        >
          <span className="rating-interval">{formatInterval(intervals[button.interval], lang)}</span>
          <span className="rating-label">{t(button.label)}</span>
        </button>
      ))}
    </div>
  );
}
