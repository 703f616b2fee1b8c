import type { StudyCounts } from '../api/types';
import { useI18n } from '../i18n/i18n';

/** Today's new / learning / due numbers in Anki's colours. */
export function DeckCounts({ counts }: { counts: StudyCounts }) {
  const { t } = useI18n();
  return (
    <ul className="deck-counts" data-testid="deck-counts">
      <li className="count-new" data-count="new">
        <strong>{counts.new}</strong> {t('decks.counts.new', { n: counts.new })}
      </li>
      <li className="count-learning" data-count="learning">
        <strong>{counts.learning}</strong> {t('decks.counts.learning', { n: counts.learning })}
      </li>
      <li className="count-due" data-count="due">
        <strong>{counts.due}</strong> {t('decks.counts.due')}
      </li>
    </ul>
  );
}

/** What is left to study today: the one number Home, the deck lists and a session show. */
export function studyTotal(counts: StudyCounts): number {
  return counts.new + counts.learning + counts.due;
}
