import { useId, useState, type FormEvent } from 'react';
import type { GroupDetail, Invite } from '../api/types';
import { groupErrorText } from '../groups/errors';
import { inviteLinkOf, inviteUsable, shortDateTime } from '../groups/groups';
import { useCreateInvite, useInvites, useRevokeInvite } from '../groups/queries';
import { canShareThroughTelegram, copyText, shareThroughTelegram } from '../groups/share';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { ErrorState, Skeleton } from './States';

/** Hours an invite can last for, as the form offers them (the contract takes 1–720). */
const EXPIRY_DAYS = [1, 3, 7, 30] as const;

/** Live invites of a group (create with expiry and uses, share through Telegram or copy, revoke). */
export function GroupInvites({ group }: { group: GroupDetail }) {
  const { t } = useI18n();
  const invites = useInvites(group.id, !group.archived_at);
  if (invites.isPending) return <Skeleton lines={4} />;
  if (invites.isError) return <ErrorState error={invites.error} onRetry={() => invites.refetch()} />;
  const live = invites.data.filter((invite) => inviteUsable(invite));
  return (
    <section className="group-section" aria-label={t('groups.tab.invites')} data-testid="group-invites">
      <NewInvite group={group} />
      {live.length === 0 ? (
        <p className="hint" data-testid="invites-empty">
          {t('groups.invites.empty')}
        </p>
      ) : (
        <ul className="invite-list">
          {live.map((invite) => (
            <InviteRow key={invite.id} group={group} invite={invite} />
          ))}
        </ul>
      )}
    </section>
  );
}

function NewInvite({ group }: { group: GroupDetail }) {
  const { t } = useI18n();
  const id = useId();
  const create = useCreateInvite(group.id);
  const [days, setDays] = useState<number>(7);
  const [maxUses, setMaxUses] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const uses = Number(maxUses);
    create.mutate(
      { expires_in_hours: days * 24, ...(maxUses && Number.isInteger(uses) && uses >= 1 ? { max_uses: Math.min(uses, 1000) } : {}) },
      {
        onSuccess: () => haptics.notification('success'),
        onError: () => haptics.notification('error'),
      },
    );
  };
  return (
    <form className="card form" onSubmit={submit} noValidate aria-label={t('groups.invites.new')}>
      <p className="section-title">{t('groups.invites.new')}</p>
      <div className="invite-form">
        <div className="field">
          <label htmlFor={`${id}-days`}>{t('groups.invites.expiry')}</label>
          <select id={`${id}-days`} className="input" value={days} onChange={(event) => setDays(Number(event.target.value))}>
            {EXPIRY_DAYS.map((n) => (
              <option key={n} value={n}>
                {t('groups.invites.days', { n })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-uses`}>{t('groups.invites.maxUses')}</label>
          <input
            id={`${id}-uses`}
            className="input"
            type="number"
            inputMode="numeric"
            min={1}
            max={1000}
            placeholder={t('groups.invites.unlimited')}
            value={maxUses}
            onChange={(event) => setMaxUses(event.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary" disabled={create.isPending} aria-busy={create.isPending} data-testid="invite-create">
          {t('groups.invites.create')}
        </button>
      </div>
      {create.error !== null && (
        <p className="inline-error" role="alert">
          {groupErrorText(t, create.error)}
        </p>
      )}
    </form>
  );
}

function InviteRow({ group, invite }: { group: GroupDetail; invite: Invite }) {
  const { t, lang } = useI18n();
  const revoke = useRevokeInvite(group.id);
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  const link = inviteLinkOf(invite);
  const inTelegram = canShareThroughTelegram();
  const copy = async () => {
    const ok = await copyText(link);
    setCopied(ok ? 'ok' : 'failed');
    haptics.notification(ok ? 'success' : 'error');
  };
  const share = () => {
    if (!shareThroughTelegram(link, t('groups.invites.shareText', { name: group.name }))) void copy();
  };
  return (
    <li className="card invite-row" data-invite={invite.code}>
      <div className="invite-meta">
        <span>{t('groups.invites.code', { code: invite.code })}</span>
        <span>
          {invite.expires_at
            ? t('groups.invites.until', { date: shortDateTime(invite.expires_at, lang) })
            : t('groups.invites.noExpiry')}
        </span>
        <span data-testid="invite-uses">
          {invite.max_uses != null
            ? t('groups.invites.uses', { uses: invite.uses, max: invite.max_uses })
            : t('groups.invites.usesUnlimited', { uses: invite.uses })}
        </span>
      </div>
      <code className="invite-link" aria-label={t('groups.invites.link')} data-testid="invite-link">
        {link}
      </code>
      {!invite.app_link && !invite.bot_link && <p className="hint">{t('groups.invites.localLink')}</p>}
      <div className="invite-actions">
        {inTelegram && (
          <button type="button" className="button button-primary button-small" onClick={share} data-testid="invite-share">
            {t('groups.invites.share')}
          </button>
        )}
        <button type="button" className={`button button-small ${inTelegram ? '' : 'button-primary'}`} onClick={() => void copy()} data-testid="invite-copy">
          {t('groups.invites.copy')}
        </button>
        <button
          type="button"
          className="button button-small button-danger-outline"
          disabled={revoke.isPending}
          onClick={() => revoke.mutate(invite.id)}
          data-testid="invite-revoke"
        >
          {t('groups.invites.revoke')}
        </button>
      </div>
      {copied && (
        <p className="copy-status" role="status" data-testid="invite-copied">
          {t(copied === 'ok' ? 'groups.invites.copied' : 'groups.invites.copyFailed')}
        </p>
      )}
      {revoke.error !== null && (
        <p className="inline-error" role="alert">
          {groupErrorText(t, revoke.error)}
        </p>
      )}
    </li>
  );
}
