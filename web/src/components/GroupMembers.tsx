import { useState } from 'react';
import type { GroupDetail, GroupMember } from '../api/types';
import { useMe } from '../hooks/queries';
import { groupErrorText } from '../groups/errors';
import { personName, roleOf } from '../groups/groups';
import { useRemoveMember } from '../groups/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { ConfirmPanel } from './ConfirmPanel';

interface Props {
  group: GroupDetail;
  /** Opens the invites (the way to fill an empty list). */
  onInvite?: () => void;
}

/** A teacher's view of the members: teachers first, then students, each student removable. */
export function GroupMembers({ group, onInvite }: Props) {
  const { t } = useI18n();
  const teachers = group.members.filter((m) => roleOf(m.role) === 'teacher');
  const students = group.members.filter((m) => roleOf(m.role) === 'student');
  return (
    <section className="group-section" aria-label={t('groups.tab.members')} data-testid="group-members-list">
      <ul className="member-list">
        {[...teachers, ...students].map((member) => (
          <MemberRow key={member.user_id} group={group} member={member} />
        ))}
      </ul>
      {students.length === 0 && (
        <div className="state state-empty">
          <p>{t('groups.members.none')}</p>
          {onInvite && !group.archived_at && (
            <button type="button" className="button button-primary" onClick={onInvite}>
              {t('groups.members.invite')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function MemberRow({ group, member }: { group: GroupDetail; member: GroupMember }) {
  const { t } = useI18n();
  const me = useMe();
  const remove = useRemoveMember(group.id);
  const [confirming, setConfirming] = useState(false);
  const role = roleOf(member.role);
  const isOwner = member.user_id === group.owner.user_id;
  const isMe = member.user_id === me.data?.user.id;
  // Only the owner removes a teacher; nobody removes the owner.
  const removable = !isOwner && !isMe && (role === 'student' || group.is_owner);
  const name = personName(member);
  return (
    <li className="card" data-member={name}>
      <div className="member-row">
        <span className="member-name">
          <span>
            {name}
            {isMe && <span className="hint"> · {t('groups.members.you')}</span>}
          </span>
          {member.username && member.first_name && <span className="hint">@{member.username}</span>}
        </span>
        <span className="row row-wrap">
          <span className="badge">{t(isOwner ? 'groups.role.owner' : `groups.role.${role}`)}</span>
          {removable && !confirming && (
            <button type="button" className="button button-small button-danger-outline" onClick={() => setConfirming(true)}>
              {t('groups.members.remove')}
            </button>
          )}
        </span>
      </div>
      {confirming && (
        <ConfirmPanel
          text={t('groups.members.removeConfirm', { name })}
          confirmLabel={t('groups.members.remove')}
          pending={remove.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            remove.mutate(member.user_id, {
              onSuccess: () => haptics.notification('success'),
              onError: () => haptics.notification('error'),
            })
          }
        />
      )}
      {remove.error !== null && (
        <p className="inline-error" role="alert">
          {groupErrorText(t, remove.error)}
        </p>
      )}
    </li>
  );
}
