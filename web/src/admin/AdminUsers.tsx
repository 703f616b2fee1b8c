import { useId, useState, type FormEvent } from 'react';
import { isApiError } from '../api/errors';
import { EmptyState, ErrorState, InlineError, Skeleton } from '../components/States';
import { useDebounced } from '../hooks/useDebounced';
import { useI18n } from '../i18n/i18n';
import { formatDate } from '../billing/format';
import { PaymentRow } from '../billing/PlanParts';
import type { AdminPayment } from '../api/types';
import type { AdminPlanFilter, AdminSort, AdminUser } from '../billing/types';
import { withStars } from '../billing/Stars';
import { USERS_PAGE, useAdminUsers, useGrantPremium, useRefund, useUserPayments } from './queries';

const SORTS: AdminSort[] = ['created_at', 'last_seen_at', 'premium_until'];

export function userName(user: Pick<AdminUser, 'first_name' | 'last_name' | 'username'>): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name || (user.username ? `@${user.username}` : '');
}

/** Users with search, plan filter, sort and pages; a row opens the grant and refund panel. */
export function AdminUsers() {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [plan, setPlan] = useState<AdminPlanFilter | ''>('');
  const [sort, setSort] = useState<AdminSort>('created_at');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [offset, setOffset] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const settled = useDebounced(search.trim(), 300);
  const users = useAdminUsers({
    search: settled || undefined,
    plan: plan || undefined,
    sort,
    order,
    limit: USERS_PAGE,
    offset,
  });
  const filtered = settled !== '' || plan !== '';
  // Any filter change starts again from the first page.
  const change = <T,>(setter: (value: T) => void) => (value: T) => {
    setter(value);
    setOffset(0);
  };
  const page = users.data;
  const total = page?.pagination.total;
  const from = offset + 1;
  const to = offset + (page?.data.length ?? 0);

  return (
    <section className="admin-users-tab" aria-label={t('admin.tab.users')}>
      <div className="card admin-filters" role="search">
        <label className="field admin-search">
          <span className="visually-hidden">{t('admin.users.search')}</span>
          <input
            className="input"
            type="search"
            value={search}
            placeholder={t('admin.users.search')}
            data-testid="admin-search"
            onChange={(event) => change(setSearch)(event.target.value)}
          />
        </label>
        <label className="field admin-search">
          <span>{t('admin.users.sort')}</span>
          <select
            className="input"
            value={sort}
            data-testid="admin-sort"
            onChange={(event) => change(setSort)(event.target.value as AdminSort)}
          >
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`admin.users.sort.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('admin.users.plan')}</span>
          <select
            className="input"
            value={plan}
            data-testid="admin-plan-filter"
            onChange={(event) => change(setPlan)(event.target.value as AdminPlanFilter | '')}
          >
            <option value="">{t('admin.users.plan.all')}</option>
            <option value="free">{t('admin.users.plan.free')}</option>
            <option value="premium">{t('admin.users.plan.premium')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('admin.users.order')}</span>
          <select
            className="input"
            value={order}
            data-testid="admin-order"
            onChange={(event) => change(setOrder)(event.target.value as 'asc' | 'desc')}
          >
            <option value="desc">{t('admin.users.order.desc')}</option>
            <option value="asc">{t('admin.users.order.asc')}</option>
          </select>
        </label>
      </div>

      {users.isPending && <Skeleton lines={6} />}
      {users.isError && !page && <ErrorState error={users.error} onRetry={() => users.refetch()} />}
      {page && page.data.length === 0 && (
        <EmptyState
          text={t('admin.users.empty')}
          action={
            filtered ? (
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  setSearch('');
                  setPlan('');
                  setOffset(0);
                }}
              >
                {t('admin.users.reset')}
              </button>
            ) : null
          }
        />
      )}
      {page && page.data.length > 0 && (
        <>
          <ul className="admin-users" aria-busy={users.isPlaceholderData} data-testid="admin-users">
            {page.data.map((user) => (
              <UserRow
                key={user.id}
                user={user}
                open={openId === user.id}
                onToggle={() => setOpenId(openId === user.id ? null : user.id)}
              />
            ))}
          </ul>
          <div className="admin-pager">
            <button
              type="button"
              className="button button-small"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - USERS_PAGE))}
              data-testid="admin-prev"
            >
              {t('admin.users.prev')}
            </button>
            <span className="hint" data-testid="admin-range">
              {total === undefined ? t('admin.users.range', { from, to }) : t('admin.users.rangeOf', { from, to, total })}
            </span>
            <button
              type="button"
              className="button button-small"
              disabled={!page.pagination.has_more}
              onClick={() => setOffset(offset + USERS_PAGE)}
              data-testid="admin-next"
            >
              {t('admin.users.next')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function UserRow({ user, open, onToggle }: { user: AdminUser; open: boolean; onToggle: () => void }) {
  const { t, lang } = useI18n();
  const panelId = useId();
  const premium = user.plan === 'premium';
  return (
    <li className="card admin-user" data-testid="admin-user" data-telegram-id={user.telegram_id}>
      <button type="button" className="admin-user-head" aria-expanded={open} aria-controls={panelId} onClick={onToggle}>
        <span className="admin-user-name">
          {userName(user) || t('admin.user.noName')}
          {user.username && userName(user) !== `@${user.username}` && (
            <span className="admin-user-meta"> @{user.username}</span>
          )}
        </span>
        <span className="admin-user-badges">
          <span className={`badge ${premium ? 'badge-premium' : ''}`} data-testid="admin-user-plan">
            {premium && user.premium_until
              ? t('plan.current.premiumUntil', { date: formatDate(user.premium_until, lang) })
              : t(premium ? 'plan.current.premium' : 'plan.current.free')}
          </span>
          {user.is_admin && <span className="badge">{t('admin.user.admin')}</span>}
        </span>
        <span className="admin-user-meta">{t('admin.user.id', { id: user.telegram_id })}</span>
        <span className="admin-user-meta">
          {t('admin.user.cards', { n: user.cards })} · {t('admin.user.reviews', { n: user.reviews_30d })}
        </span>
        <span className="admin-user-meta">
          {t('admin.user.joined', { date: formatDate(user.created_at, lang) })} ·{' '}
          {user.last_seen_at ? t('admin.user.seen', { date: formatDate(user.last_seen_at, lang) }) : t('admin.user.neverSeen')}
        </span>
      </button>
      {open && (
        <div className="admin-user-panel" id={panelId} data-testid="admin-user-panel">
          <GrantForm user={user} />
          <UserPayments user={user} />
        </div>
      )}
    </li>
  );
}

const MAX_DAYS = 3650;

/** A grant waiting for its confirmation: days or an end date, and why. */
type PendingGrant = { days: number; reason: string } | { until: string; reason: string };

/** End of the chosen local day, as the RFC 3339 `until` the contract takes. */
function untilOf(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

function GrantForm({ user }: { user: AdminUser }) {
  const { t, lang } = useI18n();
  const grant = useGrantPremium(user.id);
  const [mode, setMode] = useState<'days' | 'until'>('days');
  const [days, setDays] = useState('30');
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingGrant | null>(null);
  const name = userName(user) || String(user.telegram_id);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    grant.reset();
    const n = Number(days);
    if (mode === 'days' && (!Number.isInteger(n) || n === 0 || Math.abs(n) > MAX_DAYS)) {
      setProblem(t('admin.grant.daysInvalid'));
      return;
    }
    if (mode === 'until' && !until) {
      setProblem(t('admin.grant.untilInvalid'));
      return;
    }
    if (reason.trim() === '') {
      setProblem(t('admin.grant.reasonRequired'));
      return;
    }
    setProblem(null);
    setPending(mode === 'days' ? { days: n, reason: reason.trim() } : { until: untilOf(until), reason: reason.trim() });
  };

  const confirm = () => {
    if (!pending) return;
    grant.mutate(pending, { onSettled: () => setPending(null) });
  };

  return (
    <form className="form" onSubmit={submit} aria-label={t('admin.grant.title')} data-testid="grant-form" noValidate>
      <h3>{t('admin.grant.title')}</h3>
      <div className="segmented" role="radiogroup" aria-label={t('admin.grant.title')}>
        {(['days', 'until'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={mode === m}
            className={`segment ${mode === m ? 'segment-selected' : ''}`}
            onClick={() => setMode(m)}
            data-testid={`grant-mode-${m}`}
          >
            {t(`admin.grant.mode.${m}`)}
          </button>
        ))}
      </div>
      {mode === 'days' ? (
        <label className="field">
          <span>{t('admin.grant.days')}</span>
          <input
            className="input"
            type="number"
            inputMode="numeric"
            min={-MAX_DAYS}
            max={MAX_DAYS}
            value={days}
            onChange={(event) => setDays(event.target.value)}
            data-testid="grant-days"
          />
        </label>
      ) : (
        <label className="field">
          <span>{t('admin.grant.until')}</span>
          <input className="input" type="date" value={until} onChange={(event) => setUntil(event.target.value)} data-testid="grant-until" />
        </label>
      )}
      <label className="field">
        <span>{t('admin.grant.reason')}</span>
        <textarea
          className="input"
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          data-testid="grant-reason"
        />
      </label>
      {problem && (
        <p className="hint hint-warning" role="alert">
          {problem}
        </p>
      )}
      {pending ? (
        <div className="confirm" role="alertdialog" aria-label={t('admin.grant.title')} data-testid="grant-confirm">
          <p>
            {'days' in pending
              ? t('admin.grant.confirmDays', { name, days: pending.days })
              : t('admin.grant.confirmUntil', { name, date: formatDate(pending.until, lang) })}
          </p>
          <div className="row">
            <button type="button" className="button button-primary" onClick={confirm} disabled={grant.isPending} data-testid="grant-confirm-yes">
              {t('admin.grant.confirm')}
            </button>
            <button type="button" className="button" onClick={() => setPending(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button type="submit" className="button button-primary" data-testid="grant-submit">
          {t('admin.grant.submit')}
        </button>
      )}
      {grant.isSuccess && (
        <p className="admin-result" role="status" data-testid="grant-result">
          {grant.data.premium_until && Date.parse(grant.data.premium_until) > Date.now()
            ? t('admin.grant.done', { date: formatDate(grant.data.premium_until, lang) })
            : t('admin.grant.doneFree')}
        </p>
      )}
      <InlineError error={grant.error} />
    </form>
  );
}

/** The user's payments (newest first), each refundable Stars charge with its refund. */
function UserPayments({ user }: { user: AdminUser }) {
  const { t, lang } = useI18n();
  const payments = useUserPayments(user.id);
  const name = userName(user) || String(user.telegram_id);
  // Kept here: the refunded row stops being refundable (and loses its form) once reloaded.
  const [refunded, setRefunded] = useState<{ until: string | null } | null>(null);
  const gone = isApiError(payments.error) && payments.error.code === 'USER_NOT_FOUND';
  return (
    <section className="form" aria-label={t('admin.payments.title')} data-testid="admin-user-payments">
      <h3>{t('admin.payments.title')}</h3>
      {refunded && (
        <p className="admin-result" role="status" data-testid="refund-result">
          {refunded.until && Date.parse(refunded.until) > Date.now()
            ? t('admin.refund.done', { date: formatDate(refunded.until, lang) })
            : t('admin.refund.doneFree')}
        </p>
      )}
      {payments.isPending && <Skeleton lines={2} />}
      {gone && (
        <p className="hint hint-warning" role="alert">
          {t('admin.payments.userGone')}
        </p>
      )}
      {payments.isError && !gone && <ErrorState error={payments.error} onRetry={() => payments.refetch()} />}
      {payments.isSuccess && payments.data.length === 0 && (
        <p className="hint" data-testid="admin-payments-empty">
          {t('admin.payments.empty')}
        </p>
      )}
      {payments.isSuccess && payments.data.length > 0 && (
        <ul className="payment-list" data-testid="admin-payments">
          {payments.data.map((payment) => (
            <PaymentRow key={payment.id} payment={payment}>
              {payment.refundable && (
                <RefundForm payment={payment} name={name} onRefunded={(until) => setRefunded({ until })} />
              )}
            </PaymentRow>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What a failed refund says: 409 refunded already, 503 Telegram did not do it, else the usual. */
function RefundError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!isApiError(error)) return <InlineError error={error} />;
  const key =
    error.status === 409 ? 'admin.refund.already' : error.status === 503 ? 'admin.refund.telegramFailed' : null;
  if (!key) return <InlineError error={error} />;
  return (
    <p className="hint hint-warning" role="alert" data-testid="refund-error">
      {t(key)}
    </p>
  );
}

/** "Refund Stars": a reason, a confirmation, then `refundStarPayment` through the server. */
function RefundForm({
  payment,
  name,
  onRefunded,
}: {
  payment: AdminPayment;
  name: string;
  onRefunded: (until: string | null) => void;
}) {
  const { t } = useI18n();
  const refund = useRefund((result) => onRefunded(result.premium_until ?? null));
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  if (!open && !refund.isSuccess) {
    return (
      <button type="button" className="button button-small button-danger-outline admin-refund-open" onClick={() => setOpen(true)} data-testid="refund-open">
        {t('admin.refund.submit')}
      </button>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    refund.reset();
    if (reason.trim() === '') {
      setProblem(t('admin.refund.required'));
      return;
    }
    setProblem(null);
    setConfirming(true);
  };

  return (
    <form className="form admin-refund" onSubmit={submit} aria-label={t('admin.refund.title')} data-testid="refund-form" noValidate>
      <p className="hint">{t('admin.refund.hint')}</p>
      <label className="field">
        <span>{t('admin.refund.reason')}</span>
        <textarea
          className="input"
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          data-testid="refund-reason"
        />
      </label>
      {problem && (
        <p className="hint hint-warning" role="alert">
          {problem}
        </p>
      )}
      {confirming ? (
        <div className="confirm" role="alertdialog" aria-label={t('admin.refund.title')} data-testid="refund-confirm">
          <p>{withStars(t('admin.refund.confirm', { stars: payment.amount, name }))}</p>
          <div className="row">
            <button
              type="button"
              className="button button-danger"
              disabled={refund.isPending}
              data-testid="refund-confirm-yes"
              onClick={() =>
                refund.mutate(
                  { paymentId: payment.id, reason: reason.trim() },
                  { onSettled: () => setConfirming(false) },
                )
              }
            >
              {t('admin.refund.submit')}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      ) : (
        !refund.isSuccess && (
          <div className="row">
            <button type="submit" className="button button-danger-outline" data-testid="refund-submit">
              {t('admin.refund.submit')}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                refund.reset();
                setProblem(null);
                setOpen(false);
              }}
            >
              {t('common.cancel')}
            </button>
          </div>
        )
      )}
      {refund.isError && <RefundError error={refund.error} />}
    </form>
  );
}
