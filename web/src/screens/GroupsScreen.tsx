import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { GroupSummary } from '../api/types';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { languageName } from '../domain/languages';
import { inviteCodeOf, roleOf, splitGroups } from '../groups/groups';
import { useGroups } from '../groups/queries';
import { useMe } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import './Exercises.css';
import '../groups/Groups.css';

/** `/groups`: the groups I teach and learn in, archived ones apart; create, or join by code. */
export function GroupsScreen() {
  const { t } = useI18n();
  const groups = useGroups();
  const me = useMe();
  const usage = me.data?.limits.groups;
  const full = usage !== undefined && usage.used >= usage.max;

  let content;
  if (groups.isPending) content = <Skeleton lines={5} />;
  else if (groups.isError) content = <ErrorState error={groups.error} onRetry={() => groups.refetch()} />;
  else if (groups.data.length === 0) {
    content = (
      <EmptyState
        text={t('groups.empty')}
        action={
          <div className="empty-actions">
            <Link to="/groups/new" className="button button-primary button-wide" data-testid="groups-create">
              {t('groups.create')}
            </Link>
            <JoinByCode />
          </div>
        }
      />
    );
  } else {
    const { teaching, learning, archived } = splitGroups(groups.data);
    content = (
      <>
        <GroupSection title={t('groups.teaching')} groups={teaching} testId="groups-teaching" />
        <GroupSection title={t('groups.learning')} groups={learning} testId="groups-learning" />
        <GroupSection title={t('groups.archived')} groups={archived} testId="groups-archived" />
        <section className="card group-section" aria-label={t('groups.create')}>
          {usage && (
            <p className="hint" data-testid="groups-limit">
              {t('groups.limitLine', { used: usage.used, max: usage.max })}
            </p>
          )}
          {full ? (
            <>
              <p className="hint">{t('groups.limitFull')}</p>
              <Link to="/profile/plan" className="button button-wide" data-testid="groups-upgrade">
                {t('groups.upgrade')}
              </Link>
            </>
          ) : (
            <Link to="/groups/new" className="button button-primary button-wide" data-testid="groups-create">
              + {t('groups.create')}
            </Link>
          )}
        </section>
        <section className="card group-section" aria-label={t('groups.joinByCode')}>
          <JoinByCode />
        </section>
      </>
    );
  }

  return (
    <main className="screen groups">
      <h1>{t('groups.title')}</h1>
      {content}
    </main>
  );
}

function GroupSection({ title, groups, testId }: { title: string; groups: GroupSummary[]; testId: string }) {
  if (groups.length === 0) return null;
  return (
    <section className="group-section" aria-label={title} data-testid={testId}>
      <p className="section-title">{title}</p>
      <ul className="group-list">
        {groups.map((group) => (
          <GroupRow key={group.id} group={group} />
        ))}
      </ul>
    </section>
  );
}

function GroupRow({ group }: { group: GroupSummary }) {
  const { t, lang } = useI18n();
  const teacher = roleOf(group.role) === 'teacher';
  return (
    <li className={`card group-row ${group.archived_at ? 'group-row-archived' : ''}`} data-group={group.name}>
      <Link to={`/groups/${group.id}`} className="group-row-link">
        <span>{group.name}</span>
        {group.archived_at && <span className="badge">{t('groups.archivedBadge')}</span>}
      </Link>
      <div className="group-meta">
        <span>{languageName(group.language, lang)}</span>
        <span data-testid="group-members">{t('groups.memberCount', { n: group.member_count, max: group.max_members })}</span>
        {!teacher && <span>{t('groups.ownerLine', { name: group.owner.first_name })}</span>}
      </div>
    </li>
  );
}

/** A code or a pasted invite link; opens its preview at `/groups/join?code=…`. */
export function JoinByCode() {
  const { t } = useI18n();
  const id = useId();
  const navigate = useNavigate();
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const code = inviteCodeOf(value);
    if (!code) {
      setInvalid(true);
      return;
    }
    navigate(`/groups/join?code=${encodeURIComponent(code)}`);
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label={t('groups.joinByCode')}>
      <div className="field">
        <label htmlFor={`${id}-code`}>{t('groups.join.codeLabel')}</label>
        <div className="group-join-code">
          <input
            id={`${id}-code`}
            className="input"
            value={value}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            aria-invalid={invalid}
            aria-describedby={invalid ? `${id}-code-error` : undefined}
            data-testid="join-code"
            onChange={(event) => {
              setInvalid(false);
              setValue(event.target.value);
            }}
          />
          <button type="submit" className="button" data-testid="join-find">
            {t('groups.joinByCode')}
          </button>
        </div>
        {invalid && (
          <small id={`${id}-code-error`} className="hint hint-warning">
            {t(value.trim() ? 'groups.join.badCode' : 'groups.join.noCode')}
          </small>
        )}
      </div>
    </form>
  );
}
