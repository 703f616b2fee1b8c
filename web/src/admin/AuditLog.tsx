import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { formatDate, formatDateTime } from '../billing/format';
import type { AdminAction } from '../billing/types';
import { withStars } from '../billing/Stars';
import { useAdminActions } from './queries';

const ACTION_LABELS: Partial<Record<string, MessageKey>> = {
  premium_grant: 'admin.action.grant_premium',
  payment_refund: 'admin.action.refund',
  grant_premium: 'admin.action.grant_premium',
  refund: 'admin.action.refund',
};

/** Who an audit entry was about: name, @username and Telegram id. */
function targetName(target: { first_name: string; username?: string | null; telegram_id: number }): string {
  const handle = target.username ? ` @${target.username}` : '';
  return `${target.first_name}${handle} (${target.telegram_id})`;
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

function AuditItem({ action }: { action: AdminAction }) {
  const { t, lang } = useI18n();
  const label = ACTION_LABELS[action.action];
  const reason = detail(action.details, 'reason');
  const days = detail(action.details, 'days');
  const until = detail(action.details, 'until') ?? detail(action.details, 'premium_until');
  const stars = detail(action.details, 'stars');
  const parts: string[] = [];
  if (typeof stars === 'number') parts.push(t('plan.offer.price', { stars }));
  if (typeof days === 'number') parts.push(`${days > 0 ? '+' : ''}${t('plan.payment.days', { days })}`);
  if (typeof until === 'string' && !Number.isNaN(Date.parse(until))) {
    parts.push(t('plan.payment.until', { date: formatDate(until, lang) }));
  }
  return (
    <li className="audit-item" data-testid="audit-item" data-action={action.action}>
      <p>
        <strong>{label ? t(label) : action.action}</strong>
        {parts.length > 0 && withStars(` · ${parts.join(' · ')}`)}
      </p>
      {typeof reason === 'string' && reason && <p>{t('admin.actions.reason', { reason })}</p>}
      <p className="hint">
        {formatDateTime(action.created_at, lang)} · {t('admin.actions.by', { id: action.admin_telegram_id })}
        {action.target
          ? ` · ${t('admin.actions.target', { id: targetName(action.target) })}`
          : action.target_user_id && ` · ${t('admin.actions.deleted')}`}
      </p>
    </li>
  );
}
