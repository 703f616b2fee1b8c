import { ErrorState, Skeleton } from '../components/States';
import { useI18n } from '../i18n/i18n';
import { CurrentPlan, LimitsTable, Offers, PaymentHistory } from '../billing/PlanParts';
import { useBillingPlans, usePurchase } from '../billing/queries';
import '../billing/Billing.css';

/**
 * `/profile/plan`: the plan and its end, the free trial, free and premium limits side by side,
 * the Stars offers with "Buy" (Telegram's payment sheet, then the plan asked again until the
 * bot has confirmed the payment) and the payment history.
 */
export function PlanScreen() {
  const { t } = useI18n();
  const plans = useBillingPlans();
  const purchase = usePurchase();
  return (
    <main className="screen plan-screen">
      <h1>{t('plan.title')}</h1>
      {plans.isPending && (
        <>
          <Skeleton lines={2} />
          <Skeleton lines={6} />
          <Skeleton lines={4} />
        </>
      )}
      {plans.isError && !plans.data && <ErrorState error={plans.error} onRetry={() => plans.refetch()} />}
      {plans.data && (
        <>
          <CurrentPlan plans={plans.data} />
          <LimitsTable plans={plans.data} />
          <Offers plans={plans.data} state={purchase.state} onBuy={(plan) => void purchase.buy(plan)} onCheck={purchase.check} />
        </>
      )}
      <PaymentHistory premium={plans.data?.current.plan === 'premium'} />
    </main>
  );
}
