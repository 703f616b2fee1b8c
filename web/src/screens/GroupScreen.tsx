import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { GroupDetail } from '../api/types';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { GroupInvites } from '../components/GroupInvites';
import { GroupMaterials } from '../components/GroupMaterials';
import { GroupMembers } from '../components/GroupMembers';
import { GroupProgressTable } from '../components/GroupProgressTable';
import { GroupSettings } from '../components/GroupSettings';
import { ErrorState, Skeleton } from '../components/States';
import { languageName } from '../domain/languages';
import { codeOf, groupErrorText } from '../groups/errors';
import { periodOf, personName, roleOf, type ProgressPeriod } from '../groups/groups';
import { useGroup, useLeaveGroup } from '../groups/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import './Exercises.css';
import '../stats/Stats.css';
import '../groups/Groups.css';

type Tab = 'progress' | 'members' | 'materials' | 'invites' | 'settings';
const TABS: Tab[] = ['progress', 'members', 'materials', 'invites', 'settings'];

/** `/groups/:id`: the teacher's tabs (progress, members, materials, invites, group) or the student's page. */
export function GroupScreen() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const group = useGroup(id);

  let content;
  if (group.isPending) content = <Skeleton lines={6} />;
  else if (group.isError) {
    content =
      codeOf(group.error) === 'GROUP_NOT_FOUND' || codeOf(group.error) === 'NOT_FOUND' ? (
        <section className="card group-section" role="alert" data-testid="group-not-found">
          <p>{t('groups.notFound')}</p>
          <Link to="/groups" className="button button-wide">
            {t('groups.toList')}
          </Link>
        </section>
      ) : (
        <ErrorState error={group.error} onRetry={() => group.refetch()} />
      );
  } else {
    content = roleOf(group.data.role) === 'teacher' ? <TeacherView group={group.data} /> : <StudentView group={group.data} />;
  }
  return <main className="screen group">{content}</main>;
}

function GroupHeader({ group }: { group: GroupDetail }) {
  const { t, lang } = useI18n();
  return (
    <header className="group-header">
      <h1>{group.name}</h1>
      <div className="group-meta">
        <span>{languageName(group.language, lang)}</span>
        <span data-testid="group-member-count">{t('groups.memberCount', { n: group.member_count, max: group.max_members })}</span>
        {group.archived_at && <span className="badge">{t('groups.archivedBadge')}</span>}
      </div>
      {group.description && <p className="group-description hint">{group.description}</p>}
      {group.archived_at && (
        <p className="card hint" data-testid="group-archived">
          {t('groups.archivedNotice')}
        </p>
      )}
    </header>
  );
}

function TeacherView({ group }: { group: GroupDetail }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const archived = Boolean(group.archived_at);
  // An archived group has no invites and no settings to change.
  const tabs = archived ? TABS.filter((tab) => tab !== 'invites' && tab !== 'settings') : TABS;
  const tab: Tab = tabs.find((name) => name === params.get('tab')) ?? 'progress';
  const period = periodOf(params.get('period'));
  const select = (next: Tab) => setParams(next === 'progress' ? {} : { tab: next }, { replace: true });
  const setPeriod = (next: ProgressPeriod) =>
    setParams(next === 'week' ? {} : { period: next }, { replace: true });
  const invite = archived ? undefined : () => select('invites');
  return (
    <>
      <GroupHeader group={group} />
      <div className="segmented tabs group-tabs" role="tablist" aria-label={group.name}>
        {tabs.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={`segment ${tab === name ? 'segment-selected' : ''}`}
            data-tab={name}
            onClick={() => select(name)}
          >
            {t(`groups.tab.${name}`)}
          </button>
        ))}
      </div>
      {tab === 'progress' && <GroupProgressTable groupId={group.id} period={period} onPeriod={setPeriod} onInvite={invite} />}
      {tab === 'members' && <GroupMembers group={group} onInvite={invite} />}
      {tab === 'materials' && <GroupMaterials group={group} />}
      {tab === 'invites' && <GroupInvites group={group} />}
      {tab === 'settings' && <GroupSettings group={group} />}
    </>
  );
}

function StudentView({ group }: { group: GroupDetail }) {
  const { t } = useI18n();
  const teachers = group.members.filter((m) => roleOf(m.role) === 'teacher');
  return (
    <>
      <GroupHeader group={group} />
      <section className="card group-section" aria-label={t('groups.teachers')} data-testid="group-teachers">
        <p className="section-title">{t('groups.teachers')}</p>
        <ul className="teacher-sees">
          {teachers.map((teacher) => (
            <li key={teacher.user_id}>
              {personName(teacher)}
              {teacher.username && <span className="hint"> @{teacher.username}</span>}
            </li>
          ))}
        </ul>
      </section>
      <section className="group-section" aria-label={t('groups.tab.materials')}>
        <p className="section-title">{t('groups.tab.materials')}</p>
        <GroupMaterials group={group} />
      </section>
      {group.teacher_sees.length > 0 && (
        <section className="card group-section" aria-label={t('groups.teacherSees')} data-testid="group-teacher-sees">
          <p className="section-title">{t('groups.teacherSees')}</p>
          <ul className="teacher-sees">
            {group.teacher_sees.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </section>
      )}
      <LeaveGroup group={group} />
    </>
  );
}

function LeaveGroup({ group }: { group: GroupDetail }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const leave = useLeaveGroup(group.id);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="group-section">
      {confirming ? (
        <ConfirmPanel
          text={t('groups.leaveConfirm', { name: group.name })}
          confirmLabel={t('groups.leave')}
          pending={leave.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            leave.mutate(undefined, {
              onSuccess: () => {
                haptics.notification('success');
                navigate('/groups', { replace: true });
              },
              onError: () => haptics.notification('error'),
            })
          }
        />
      ) : (
        <button type="button" className="button button-wide button-danger-outline" onClick={() => setConfirming(true)} data-testid="group-leave">
          {t('groups.leave')}
        </button>
      )}
      {leave.error !== null && (
        <p className="inline-error" role="alert">
          {codeOf(leave.error) === 'CONFLICT' ? t('groups.leaveOwner') : groupErrorText(t, leave.error)}
        </p>
      )}
    </div>
  );
}
