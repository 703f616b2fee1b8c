// The billing and admin shapes the plan and admin screens use, all derived from the server's
// OpenAPI document in api/types.ts; only the page envelope below is written by hand.
export type {
  AdminAction,
  AdminActionList,
  AdminMetrics,
  AdminPaymentList,
  AdminPlanFilter,
  AdminSort,
  AdminUser,
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
  PlanLimits,
  PlanOffer,
  RefundRequest,
  RefundResult,
  TrialResult,
} from '../api/types';
import type { Pagination } from '../api/types';

/** A page of a list route (`{data, pagination}`). */
export interface ListPage<T> {
  data: T[];
  pagination: Pagination;
}
