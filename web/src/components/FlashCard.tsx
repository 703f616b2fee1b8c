import type { Card } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { formText } from '../screens/cardForm';

/** The card being studied: front only, or front and back with its details once flipped. */
export function FlashCard({ card, flipped, onFlip }: { card: Card; flipped: boolean; onFlip: () => void }) {
  const { t } = useI18n();
  const forms = Object.entries(card.forms ?? {});
  return (
    <button
      type="button"
      className={`flashcard ${flipped ? 'flashcard-flipped' : ''}`}
      onClick={onFlip}
      disabled={flipped}
      aria-label={flipped ? undefined : `${card.front}. ${t('study.showAnswer')}`}
      data-testid="flashcard"
    >
      <span className="flashcard-front" data-testid="card-front">
        {card.front}
      </span>
      {flipped ? (
        <span className="flashcard-back" data-testid="card-back">
          <span className="flashcard-answer">{card.back}</span>
          {card.transcription && <span className="hint">[{card.transcription}]</span>}
          {(card.gender || card.part_of_speech) && (
            <span className="hint">{[card.gender, card.part_of_speech].filter(Boolean).join(' · ')}</span>
          )}
          {forms.length > 0 && (
            <span className="hint">{forms.map(([name, value]) => `${name}: ${formText(value)}`).join('; ')}</span>
          )}
          {card.example && (
            <span className="flashcard-example">
              <span>{card.example}</span>
              {card.example_translation && <span className="hint">{card.example_translation}</span>}
            </span>
          )}
          {card.notes && <span className="flashcard-notes">{card.notes}</span>}
        </span>
      ) : (
        <span className="hint">{t('study.flipHint')}</span>
      )}
    </button>
  );
}
