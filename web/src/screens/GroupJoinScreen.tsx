import { useEffect } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { GroupInvitePreview } from '../components/GroupInvitePreview';
import { requestIdOf } from '../components/errorText';
import { ErrorState, Skeleton } from '../components/States';
import { codeOf, groupErrorText } from '../groups/errors';
import { inviteCodeOf } from '../groups/groups';
import { useInvitePreview, useJoinGroup } from '../groups/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { PrimaryAction } from '../telegram/PrimaryAction';
import { JoinByCode } from './GroupsScreen';
import '../groups/Groups.css';

/** Errors the preview or the join answer with a sentence of their own, not a retry. */
const EXPLAINED = new Set(['INVITE_EXPIRED', 'GROUP_NOT_FOUND', 'LIMIT_REACHED', 'VALIDATION_ERROR']);

/**
 * `/groups/join?code=…` (also where the `startapp=g_<code>` deep link leads): the invite's
 * preview with "Join"; an expired or unknown invite, a full group and "already a member"
 * (which opens the group) are each said.
 */
export function GroupJoinScreen() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const code = inviteCodeOf(params.get('code') ?? '');
  const preview = useInvitePreview(code);
  const join = useJoinGroup();
  const groupId = preview.data?.group.id;

  // Already in: the group itself is what this learner wants.
  const alreadyMember = preview.data?.already_member === true || codeOf(join.error) === 'ALREADY_MEMBER';
  useEffect(() => {
    if (alreadyMember && groupId) navigate(`/groups/${groupId}`, { replace: true });
  }, [alreadyMember, groupId, navigate]);

  let content;
  if (!code) {
    content = (
      <section className="card group-section">
        <p>{t('groups.join.noCode')}</p>
        <JoinByCode />
      </section>
    );
  } else if (preview.isPending) {
    content = <Skeleton lines={5} />;
  } else if (preview.isError) {
    content = EXPLAINED.has(codeOf(preview.error) ?? '') ? (
      <JoinProblem
        text={codeOf(preview.error) === 'GROUP_NOT_FOUND' ? t('groups.join.notFound') : groupErrorText(t, preview.error)}
      />
    ) : (
      <ErrorState error={preview.error} onRetry={() => preview.refetch()} />
    );
  } else if (alreadyMember) {
    content = <Skeleton lines={3} />;
  } else {
    const full = preview.data.group.member_count >= preview.data.group.max_members;
    const joinError = join.error;
    const joinCode = codeOf(joinError);
    const requestId = requestIdOf(joinError);
    content = (
      <>
        <GroupInvitePreview preview={preview.data} />
        {(full || joinError !== null) && (
          <div className="inline-error" role="alert" data-testid="join-error">
            <p>
              {full || joinCode === 'LIMIT_REACHED'
                ? t('groups.limit.full')
                : joinCode === 'GROUP_NOT_FOUND'
                  ? t('groups.join.notFound')
                  : groupErrorText(t, joinError)}
            </p>
            {requestId && !EXPLAINED.has(joinCode ?? '') && <p className="hint">{t('common.error.requestId', { id: requestId })}</p>}
          </div>
        )}
        <PrimaryAction
          text={t('groups.join.submit')}
          loading={join.isPending}
          disabled={full || joinCode === 'INVITE_EXPIRED' || joinCode === 'GROUP_NOT_FOUND' || joinCode === 'LIMIT_REACHED'}
          onClick={() =>
            join.mutate(code, {
              onSuccess: (detail) => {
                haptics.notification('success');
                navigate(`/groups/${detail.id}`, { replace: true });
              },
              onError: () => haptics.notification('error'),
            })
          }
        />
      </>
    );
  }

  return (
    <main className="screen group-join">
      <h1>{t('groups.join.title')}</h1>
      {content}
    </main>
  );
}

function JoinProblem({ text }: { text: string }) {
  const { t } = useI18n();
  return (
    <section className="card group-section" role="alert" data-testid="join-problem">
      <p>{text}</p>
      <Link to="/groups" className="button button-wide">
        {t('groups.toList')}
      </Link>
    </section>
  );
}
