import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { queryKeys } from '../hooks/queries';
import { useApi } from '../session/SessionProvider';
import { billingApi } from './api';
import { openInvoice, type InvoiceOutcome } from './invoice';
import type { BillingPlans, PlanId } from './types';

export const billingKeys = {
  all: ['billing'] as const,
  plans: ['billing', 'plans'] as const,
  payments: ['billing', 'payments'] as const,
};

/** The plan screen asks again each time it opens: a payment or a grant may have come meanwhile. */
export function useBillingPlans() {
  const client = useApi();
  return useQuery({ queryKey: billingKeys.plans, queryFn: () => billingApi.plans(client), staleTime: 0 });
}

export function usePayments() {
  const client = useApi();
  return useQuery({ queryKey: billingKeys.payments, queryFn: () => billingApi.payments(client), staleTime: 0 });
}

/** Everything a plan change moves: Me (plan, limits), the plans and the payments. */
function useRefreshPlan() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
        queryClient.invalidateQueries({ queryKey: billingKeys.all }),
      ]),
    [queryClient],
  );
}

export function useStartTrial() {
  const client = useApi();
  const refresh = useRefreshPlan();
  return useMutation({ mutationFn: () => billingApi.trial(client), onSuccess: refresh });
}

/** How many times, and how far apart, the plan is asked again after Telegram says "paid". */
export const confirmTiming = { attempts: 6, delayMs: 1500 };

export type PurchaseState =
  | { step: 'idle' }
  | { step: 'creating'; plan: PlanId }
  | { step: 'paying'; plan: PlanId }
  | { step: 'confirming'; plan: PlanId }
  | { step: 'done'; plan: PlanId }
  /** Paid, but the bot has not confirmed it within the polling window. */
  | { step: 'slow'; plan: PlanId }
  | { step: 'cancelled' | 'failed' | 'pending'; plan: PlanId }
  | { step: 'unsupported'; plan: PlanId; link: string }
  | { step: 'error'; plan: PlanId; error: unknown };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function premiumSince(plans: BillingPlans, before: string | null): boolean {
  const until = plans.current.premium_until;
  if (plans.current.plan !== 'premium' || !until) return false;
  return before === null || Date.parse(until) > Date.parse(before);
}

/**
 * "Buy": an invoice from the server, Telegram's payment sheet, then — since the bot confirms
 * the payment asynchronously — Me and the plans asked again a few times until premium shows
 * (or its end moved on, for a renewal).
 */
export function usePurchase() {
  const client = useApi();
  const queryClient = useQueryClient();
  const refresh = useRefreshPlan();
  const [state, setState] = useState<PurchaseState>({ step: 'idle' });
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  const set = (next: PurchaseState) => {
    if (alive.current) setState(next);
  };

  // The premium end before the purchase: a renewal is confirmed when it moves on.
  const untilBefore = useRef<string | null>(null);

  /** Asks the plan again a few times until the payment shows; `slow` when it does not yet. */
  const confirm = async (plan: PlanId) => {
    set({ step: 'confirming', plan });
    for (let attempt = 0; attempt < confirmTiming.attempts && alive.current; attempt += 1) {
      if (attempt > 0) await sleep(confirmTiming.delayMs);
      try {
        const plans = await queryClient.fetchQuery({
          queryKey: billingKeys.plans,
          queryFn: () => billingApi.plans(client),
          staleTime: 0,
        });
        if (premiumSince(plans, untilBefore.current)) {
          await refresh();
          set({ step: 'done', plan });
          return;
        }
      } catch {
        // A failed check is one attempt; the next may work.
      }
    }
    await refresh();
    set({ step: 'slow', plan });
  };

  const buy = async (plan: PlanId) => {
    const before = queryClient.getQueryData<BillingPlans>(billingKeys.plans);
    untilBefore.current = before?.current.plan === 'premium' ? (before.current.premium_until ?? null) : null;
    set({ step: 'creating', plan });
    let link: string;
    try {
      link = (await billingApi.invoice(client, plan)).link;
    } catch (error) {
      set({ step: 'error', plan, error });
      return;
    }
    set({ step: 'paying', plan });
    const outcome: InvoiceOutcome = await openInvoice(link);
    if (outcome === 'unsupported') set({ step: 'unsupported', plan, link });
    else if (outcome === 'paid') await confirm(plan);
    else set({ step: outcome, plan });
  };

  /** "Check again" after a slow or pending confirmation. */
  const check = () => {
    if (state.step === 'slow' || state.step === 'pending') void confirm(state.plan);
  };

  return { state, buy, check };
}
