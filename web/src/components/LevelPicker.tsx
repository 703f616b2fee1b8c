import type { Level } from '../api/types';
import { LEVELS, isTargetAllowed } from '../domain/levels';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';

interface Props {
  name: string;
  legend: string;
  value: Level;
  onChange: (level: Level) => void;
  /** Levels below this one are disabled (the target cannot be below the current level). */
  minimum?: Level;
  showDescriptions?: boolean;
}

/** A radio group of CEFR levels, each with a one-line description. */
export function LevelPicker({ name, legend, value, onChange, minimum, showDescriptions = true }: Props) {
  const { t } = useI18n();
  return (
    <fieldset className="level-picker">
      <legend>{legend}</legend>
      {LEVELS.map((level) => {
        const disabled = minimum !== undefined && !isTargetAllowed(minimum, level);
        return (
          <label key={level} className={`choice ${value === level ? 'choice-selected' : ''}`}>
            <input
              type="radio"
              name={name}
              value={level}
              checked={value === level}
              disabled={disabled}
              onChange={() => {
                haptics.selection();
                onChange(level);
              }}
            />
            <span className="choice-title">{level}</span>
            {showDescriptions && <span className="choice-text">{t(`level.${level}`)}</span>}
          </label>
        );
      })}
    </fieldset>
  );
}
