import type { ReactNode } from 'react';
import { isApiError } from '../api/errors';
import { EmptyState, ErrorState, InlineError, Skeleton } from '../components/States';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { LIMIT_ROWS, formatDate, formatDateTime, limitValue, perMonth } from './format';
import { withStars } from './Stars';
import { usePayments, useStartTrial, type PurchaseState } from './queries';
import type { BillingPlans, Payment, PlanId, PlanOffer } from './types';

export function planName(id: string): MessageKey {
  return id === 'yearly' ? 'plan.offer.yearly' : 'plan.offer.monthly';
}

/** The plan now, its end, and the one free trial while it is offered. */
export function CurrentPlan({ plans }: { plans: BillingPlans }) {
  const { t, lang } = useI18n();
  const trial = useStartTrial();
  const { current } = plans;
  const premium = current.plan === 'premium';
  let label = t('plan.current.free');
  if (premium) {
    label = current.premium_until
      ? t('plan.current.premiumUntil', { date: formatDate(current.premium_until, lang) })
      : t('plan.current.premium');
  }
  const trialUsed = isApiError(trial.error) && trial.error.code === 'CONFLICT';
  return (
    <section className="card plan-current" aria-label={t('plan.current')} data-testid="plan-current" data-plan={current.plan}>
      <p className="section-title">{t('plan.current')}</p>
      <p className="plan-current-name">
        <span className={`badge ${premium ? 'badge-premium' : ''}`} data-testid="plan-current-name">
          {label}
        </span>
      </p>
      <p className="hint">{t(premium ? 'plan.current.premiumHint' : 'plan.current.freeHint')}</p>
      {trial.isSuccess && (
        <p className="plan-note plan-note-ok" role="status" data-testid="trial-done">
          {t('plan.trial.done', { date: formatDate(trial.data.premium_until, lang) })}
        </p>
      )}
      {!premium && current.trial_available && current.trial_days > 0 && !trial.isSuccess && (
        <div className="plan-trial">
          <button
            type="button"
            className="button button-wide"
            data-testid="trial-start"
            disabled={trial.isPending}
            onClick={() => trial.mutate()}
          >
            {t('plan.trial', { days: current.trial_days })}
          </button>
          <p className="hint">{t('plan.trial.hint')}</p>
        </div>
      )}
      {trial.isError &&
        (trialUsed ? (
          <p className="plan-note" role="alert">
            {t('plan.trial.used')}
          </p>
        ) : (
          <InlineError error={trial.error} />
        ))}
    </section>
  );
}

/** Free and premium side by side, unlimited spelled out. */
export function LimitsTable({ plans }: { plans: BillingPlans }) {
  const { t } = useI18n();
  const { free, premium } = plans.limits;
  const premiumNow = plans.current.plan === 'premium';
  const rows = LIMIT_ROWS.filter((row) => free[row.key] !== undefined || premium[row.key] !== undefined);
  return (
    <section className="card" aria-label={t('plan.limits')} data-testid="plan-limits">
      <p className="section-title">{t('plan.limits')}</p>
      <table className="limits-table">
        <thead>
          <tr>
            <th scope="col" className="visually-hidden">
              {t('plan.limits.what')}
            </th>
            <th scope="col" className={premiumNow ? '' : 'limits-now'}>
              {t('plan.limits.free')}
            </th>
            <th scope="col" className={premiumNow ? 'limits-now' : ''}>
              {t('plan.limits.premium')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-limit={row.key}>
              <th scope="row">{t(row.label)}</th>
              <td data-testid={`limit-free-${row.key}`}>{limitValue(free[row.key], row.daily, t)}</td>
              <td data-testid={`limit-premium-${row.key}`} className="limits-premium">
                {limitValue(premium[row.key], row.daily, t)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface OffersProps {
  plans: BillingPlans;
  state: PurchaseState;
  onBuy: (plan: PlanId) => void;
  onCheck: () => void;
}

const BUSY = new Set<PurchaseState['step']>(['creating', 'paying', 'confirming']);

/** The monthly subscription and the year, each with its price in Stars and "Buy". */
export function Offers({ plans, state, onBuy, onCheck }: OffersProps) {
  const { t } = useI18n();
  const busy = BUSY.has(state.step);
  return (
    <section className="card plan-offers" id="offers" aria-label={t('plan.offers')} data-testid="plan-offers">
      <p className="section-title">{t('plan.offers')}</p>
      <ul className="offer-list">
        {plans.plans.map((offer) => (
          <OfferRow key={offer.id} offer={offer} busy={busy} active={busy && 'plan' in state && state.plan === offer.id} onBuy={onBuy} />
        ))}
      </ul>
      <PurchaseStatus
        state={state}
        onCheck={onCheck}
        until={plans.current.plan === 'premium' ? (plans.current.premium_until ?? null) : null}
      />
      <p className="hint">{t('plan.offer.starsHint')}</p>
    </section>
  );
}

function OfferRow({ offer, busy, active, onBuy }: { offer: PlanOffer; busy: boolean; active: boolean; onBuy: (plan: PlanId) => void }) {
  const { t } = useI18n();
  const name = t(planName(offer.id));
  return (
    <li className="offer" data-testid={`offer-${offer.id}`}>
      <div className="offer-text">
        <p className="offer-name">
          <strong>{name}</strong> <span className="offer-price">{withStars(t('plan.offer.price', { stars: offer.stars }))}</span>
        </p>
        <p className="hint">
          {t(offer.recurring ? 'plan.offer.recurring' : 'plan.offer.once', { days: offer.period_days })}
        </p>
        {offer.period_days > 31 && (
          <p className="hint">{withStars(t('plan.offer.perMonth', { stars: perMonth(offer.stars, offer.period_days) }))}</p>
        )}
      </div>
      <button
        type="button"
        className="button button-primary offer-buy"
        data-testid={`buy-${offer.id}`}
        aria-label={t('plan.offer.buyLabel', { plan: name, stars: offer.stars })}
        aria-busy={active}
        disabled={busy}
        onClick={() => onBuy(offer.id)}
      >
        {t('plan.offer.buy')}
      </button>
    </li>
  );
}

/** What happened to the last "Buy", said where the buttons are. */
function PurchaseStatus({ state, onCheck, until }: { state: PurchaseState; onCheck: () => void; until: string | null }) {
  const { t, lang } = useI18n();
  let content = null;
  let tone = '';
  switch (state.step) {
    case 'idle':
      break;
    case 'creating':
      content = t('plan.buy.creating');
      break;
    case 'paying':
      content = t('plan.buy.paying');
      break;
    case 'confirming':
      content = t('plan.buy.confirming');
      break;
    case 'done':
      tone = 'ok';
      content = until ? t('plan.buy.done', { date: formatDate(until, lang) }) : t('plan.buy.doneNoDate');
      break;
    case 'slow':
      content = (
        <>
          {t('plan.buy.slow')}{' '}
          <button type="button" className="link-button" onClick={onCheck} data-testid="purchase-check">
            {t('plan.buy.check')}
          </button>
        </>
      );
      break;
    case 'cancelled':
      content = t('plan.buy.cancelled');
      break;
    case 'failed':
      tone = 'error';
      content = t('plan.buy.failed');
      break;
    case 'pending':
      content = (
        <>
          {t('plan.buy.pending')}{' '}
          <button type="button" className="link-button" onClick={onCheck} data-testid="purchase-check">
            {t('plan.buy.check')}
          </button>
        </>
      );
      break;
    case 'unsupported':
      content = (
        <>
          {t('plan.buy.unsupported')}{' '}
          <a href={state.link} target="_blank" rel="noreferrer" data-testid="invoice-link">
            {t('plan.buy.openLink')}
          </a>
        </>
      );
      break;
    case 'error':
      if (isApiError(state.error) && state.error.code === 'SERVICE_UNAVAILABLE') {
        tone = 'error';
        content = t('plan.buy.unavailable');
      } else {
        return <InlineError error={state.error} />;
      }
      break;
  }
  return (
    <div className={`plan-note ${tone ? `plan-note-${tone}` : ''}`} role="status" aria-live="polite" data-testid="purchase-status" data-step={state.step} hidden={content === null}>
      {content}
    </div>
  );
}

function paymentKey(kind: string): MessageKey {
  switch (kind) {
    case 'purchase':
      return 'plan.payment.purchase';
    case 'renewal':
      return 'plan.payment.renewal';
    case 'grant':
      return 'plan.payment.grant';
    case 'trial':
      return 'plan.payment.trial';
    case 'refund':
      return 'plan.payment.refund';
    default:
      return 'plan.payment.other';
  }
}

/** My payments, newest first. */
export function PaymentHistory({ premium }: { premium: boolean }) {
  const { t } = useI18n();
  const payments = usePayments();
  return (
    <section className="card" aria-label={t('plan.payments')} data-testid="payments">
      <p className="section-title">{t('plan.payments')}</p>
      {payments.isPending && <Skeleton lines={2} />}
      {payments.isError && <ErrorState error={payments.error} onRetry={() => payments.refetch()} />}
      {payments.isSuccess && payments.data.length === 0 && (
        <EmptyState
          text={t('plan.payments.empty')}
          action={
            premium ? null : (
              <a href="#offers" className="button button-small" data-testid="payments-choose">
                {t('plan.payments.choose')}
              </a>
            )
          }
        />
      )}
      {payments.isSuccess && payments.data.length > 0 && (
        <ul className="payment-list">
          {payments.data.map((payment) => (
            <PaymentRow key={payment.id} payment={payment} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** One payment; `children` go under it (the admin's refund). */
export function PaymentRow({ payment, children }: { payment: Payment; children?: ReactNode }) {
  const { t, lang } = useI18n();
  const title = payment.plan ? `${t(paymentKey(payment.kind))} · ${t(planName(payment.plan))}` : t(paymentKey(payment.kind));
  const amount = payment.amount > 0 ? t('plan.offer.price', { stars: payment.amount }) : t('plan.payment.free');
  const days = payment.period_days;
  const sign = days > 0 && payment.kind !== 'refund' ? '+' : '';
  return (
    <li className="payment" data-testid="payment" data-kind={payment.kind}>
      <div className="payment-main">
        <strong>{title}</strong>
        <span className="payment-amount">{withStars(amount)}</span>
      </div>
      <p className="hint">
        {formatDateTime(payment.created_at, lang)}
        {days !== 0 && ` · ${sign}${t('plan.payment.days', { days })}`}
        {payment.premium_until_after &&
          ` · ${t('plan.payment.until', { date: formatDate(payment.premium_until_after, lang) })}`}
      </p>
      {children}
    </li>
  );
}
