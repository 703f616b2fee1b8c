import type { StudentProgress } from '../api/types';
import { PROGRESS_PERIODS, percentOf, personName, shortDateTime, type ProgressPeriod } from '../groups/groups';
import { useGroupProgress } from '../groups/queries';
import { useI18n } from '../i18n/i18n';
import { ErrorState, Skeleton } from './States';

interface Props {
  groupId: string;
  period: ProgressPeriod;
  onPeriod: (period: ProgressPeriod) => void;
  /** Opens the invites (the way to fill an empty table). */
  onInvite?: () => void;
}

/**
 * The teacher's table: per student reviews, retention, due backlog, exercises, accuracy and
 * last activity over a period; a card per student, so it reads at 320 px.
 */
export function GroupProgressTable({ groupId, period, onPeriod, onInvite }: Props) {
  const { t } = useI18n();
  const progress = useGroupProgress(groupId, period, true);
  return (
    <section className="group-section" aria-label={t('groups.tab.progress')} data-testid="group-progress">
      <div className="period-switch segmented" role="group" aria-label={t('groups.progress.period')}>
        {PROGRESS_PERIODS.map((p) => (
          <button
            key={p}
            type="button"
            className={`segment ${p === period ? 'segment-selected' : ''}`}
            aria-pressed={p === period}
            data-period={p}
            onClick={() => onPeriod(p)}
          >
            {t(`groups.progress.period.${p}`)}
          </button>
        ))}
      </div>
      {progress.isPending && <Skeleton lines={5} />}
      {progress.isError && !progress.data && <ErrorState error={progress.error} onRetry={() => progress.refetch()} />}
      {progress.data &&
        (progress.data.students.length === 0 ? (
          <div className="state state-empty" data-testid="progress-empty">
            <p>{t('groups.progress.empty')}</p>
            {onInvite && (
              <button type="button" className="button button-primary" onClick={onInvite}>
                {t('groups.members.invite')}
              </button>
            )}
          </div>
        ) : (
          <>
            <ul
              className={`progress-list ${progress.isPlaceholderData ? 'progress-loading' : ''}`}
              aria-busy={progress.isPlaceholderData}
              data-period={progress.data.period}
            >
              {progress.data.students.map((student) => (
                <StudentCard key={student.user_id} student={student} />
              ))}
            </ul>
            <p className="hint">{t('groups.progress.hint')}</p>
          </>
        ))}
    </section>
  );
}

function StudentCard({ student }: { student: StudentProgress }) {
  const { t, lang } = useI18n();
  const retention = percentOf(student.retention);
  const accuracy = percentOf(student.accuracy);
  const name = personName(student);
  const figures: [string, string, string][] = [
    ['reviews', t('groups.progress.reviews'), String(student.reviews)],
    ['retention', t('groups.progress.retention'), retention === null ? '—' : `${retention}%`],
    ['backlog', t('groups.progress.backlog'), String(student.due_backlog)],
    ['exercises', t('groups.progress.exercises'), String(student.exercises)],
    ['accuracy', t('groups.progress.accuracy'), accuracy === null ? '—' : `${accuracy}%`],
  ];
  return (
    <li className="card progress-student" data-student={name}>
      <p className="progress-student-name">{name}</p>
      <dl className="progress-figures">
        {figures.map(([key, label, value]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-testid={`progress-${key}`}>{value}</dd>
          </div>
        ))}
        <div>
          <dt>{t('groups.progress.lastActive')}</dt>
          <dd data-testid="progress-last-active">
            {student.last_active_at ? shortDateTime(student.last_active_at, lang) : t('groups.progress.never')}
          </dd>
        </div>
      </dl>
    </li>
  );
}
