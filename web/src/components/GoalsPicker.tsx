import type { Goal } from '../api/types';
import { GOALS, toggleGoal } from '../domain/goals';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';

/** Multi-select of learning goals as toggle chips. */
export function GoalsPicker({ value, onChange }: { value: Goal[]; onChange: (goals: Goal[]) => void }) {
  const { t } = useI18n();
  return (
    <div className="chips" role="group">
      {GOALS.map((goal) => {
        const selected = value.includes(goal);
        return (
          <button
            key={goal}
            type="button"
            className={`chip ${selected ? 'chip-selected' : ''}`}
            aria-pressed={selected}
            onClick={() => {
              haptics.selection();
              onChange(toggleGoal(value, goal));
            }}
          >
            {t(`goal.${goal}`)}
          </button>
        );
      })}
    </div>
  );
}
