import type { ApiClient } from '../api/client';
import { queryString } from '../api/endpoints';
import type {
  AdminActionList,
  AdminMetrics,
  AdminPaymentList,
  AdminUserFilter,
  AdminUserList,
  BillingPlans,
  GrantRequest,
  GrantResult,
  Invoice,
  MetricsPeriod,
  Payment,
  PaymentList,
  PlanId,
  RefundResult,
  TrialResult,
} from './types';

/** Lists may arrive bare or in the `{data, pagination}` envelope of the list convention. */
function unwrapList<T>(body: T[] | { data: T[] }): T[] {
  return Array.isArray(body) ? body : body.data;
}

const id = encodeURIComponent;

export const billingApi = {
  /** The offers with their Stars prices, my plan and trial, and what free and premium allow. */
  plans: (client: ApiClient) => client.get<BillingPlans>('/api/billing/plans'),
  /** A createInvoiceLink link for the plan; 503 SERVICE_UNAVAILABLE when the Bot API fails. */
  invoice: (client: ApiClient, plan: PlanId) => client.post<Invoice>('/api/billing/invoice', { plan }),
  /** The one free trial; 409 CONFLICT when used or disabled. */
  trial: (client: ApiClient) => client.post<TrialResult>('/api/billing/trial'),
  /** My payments, newest first (one page of up to 100). */
  payments: async (client: ApiClient) =>
    unwrapList(await client.get<PaymentList | Payment[]>(`/api/billing/payments${queryString({ limit: 100 })}`)),
};

export const adminApi = {
  users: (client: ApiClient, filter: AdminUserFilter) =>
    client.get<AdminUserList>(`/api/admin/users${queryString({ ...filter })}`),
  metrics: (client: ApiClient, period: MetricsPeriod) =>
    client.get<AdminMetrics>(`/api/admin/metrics${queryString({ period })}`),
  grantPremium: (client: ApiClient, userId: string, grant: GrantRequest) =>
    client.post<GrantResult>(`/api/admin/users/${id(userId)}/premium`, grant),
  refund: (client: ApiClient, paymentId: string, reason: string) =>
    client.post<RefundResult>(`/api/admin/payments/${id(paymentId)}/refund`, { reason }),
  payments: (client: ApiClient, userId: string) =>
    client.get<AdminPaymentList>(`/api/admin/users/${id(userId)}/payments${queryString({ limit: 100 })}`),
  actions: (client: ApiClient, limit: number, offset: number) =>
    client.get<AdminActionList>(`/api/admin/actions${queryString({ limit, offset })}`),
};
