import { Fragment, type ReactNode } from 'react';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { formatDate, formatDateTime } from '../billing/format';
import type { AuditTarget } from '../api/types';
import type { AdminAction } from '../billing/types';
import { withStars } from '../billing/Stars';
import { useAdminActions } from './queries';

const ACTION_LABELS: Partial<Record<string, MessageKey>> = {
  premium_grant: 'admin.action.grant_premium',
  payment_refund: 'admin.action.refund',
  grant_premium: 'admin.action.grant_premium',
  refund: 'admin.action.refund',
};

/** Who an audit entry was about: name and @username (either may be missing). */
function targetName(target: AuditTarget): string {
  const handle = target.username ? `@${target.username}` : '';
  return [target.first_name.trim(), handle].filter(Boolean).join(' ');
}

/** The audit log, newest first, 20 a page with "show more". */
export function AuditLog() {
  const { t } = useI18n();
  const actions = useAdminActions();
  const items = actions.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <section className="card" aria-label={t('admin.tab.actions')} data-testid="admin-actions">
      {actions.isPending && <Skeleton lines={5} />}
      {actions.isError && !actions.data && <ErrorState error={actions.error} onRetry={() => actions.refetch()} />}
      {actions.isSuccess && items.length === 0 && <EmptyState text={t('admin.actions.empty')} action={null} />}
      {items.length > 0 && (
        <ul className="audit-list">
          {items.map((action) => (
            <AuditItem key={action.id} action={action} />
          ))}
        </ul>
      )}
      {actions.hasNextPage && (
        <button
          type="button"
          className="button button-wide"
          disabled={actions.isFetchingNextPage}
          onClick={() => void actions.fetchNextPage()}
        >
          {t('admin.actions.more')}
        </button>
      )}
    </section>
  );
}

function detail(details: AdminAction['details'], key: string): unknown {
  return details && typeof details === 'object' ? (details as Record<string, unknown>)[key] : undefined;
}

/**
 * Parts of a line joined by " · ", each moving to the next line whole (the dot stays at the end
 * of the line before), and broken inside only when one is wider than the line.
 */
function Joined({ parts }: { parts: ReactNode[] }) {
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && ' '}
          <span className="audit-part">
            {part}
            {i < parts.length - 1 && ' ·'}
          </span>
        </Fragment>
      ))}
    </>
  );
}

function AuditItem({ action }: { action: AdminAction }) {
  const { t, lang } = useI18n();
  const label = ACTION_LABELS[action.action];
  const reason = detail(action.details, 'reason');
  const days = detail(action.details, 'days');
  const until = detail(action.details, 'until') ?? detail(action.details, 'premium_until');
  const stars = detail(action.details, 'stars');
  const head: ReactNode[] = [<strong key="label">{label ? t(label) : action.action}</strong>];
  if (typeof stars === 'number') head.push(withStars(t('plan.offer.price', { stars })));
  if (typeof days === 'number') head.push(`${days > 0 ? '+' : ''}${t('plan.payment.days', { days })}`);
  const end =
    typeof until === 'string' && !Number.isNaN(Date.parse(until)) ? t('plan.payment.until', { date: formatDate(until, lang) }) : null;
  // Who it was about; their account may be gone since (the entry keeps its id only).
  const who = action.target ? (
    <Joined
      parts={[
        t('admin.actions.target', { name: targetName(action.target) || t('admin.user.noName') }),
        t('admin.user.id', { id: action.target.telegram_id }),
      ]}
    />
  ) : action.target_user_id ? (
    t('admin.actions.targetDeleted')
  ) : null;
  return (
    <li className="audit-item" data-testid="audit-item" data-action={action.action}>
      <p>
        <Joined parts={head} />
      </p>
      {end && <p data-testid="audit-until">{end}</p>}
      {typeof reason === 'string' && reason && <p>{t('admin.actions.reason', { reason })}</p>}
      {who && (
        <p className="audit-target" data-testid="audit-target">
          {who}
        </p>
      )}
      <p className="hint">
        <Joined parts={[formatDateTime(action.created_at, lang), t('admin.actions.by', { id: action.admin_telegram_id })]} />
      </p>
    </li>
  );
}
