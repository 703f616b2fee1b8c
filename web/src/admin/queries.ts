import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/errors';
import { adminApi } from '../billing/api';
import type { AdminUserFilter, GrantRequest, ListPage, MetricsPeriod, RefundResult } from '../billing/types';
import { useApi } from '../session/SessionProvider';

export const adminKeys = {
  all: ['admin'] as const,
  users: ['admin', 'users'] as const,
  metrics: ['admin', 'metrics'] as const,
  actions: ['admin', 'actions'] as const,
};

export const USERS_PAGE = 20;
export const ACTIONS_PAGE = 20;

/** 403 FORBIDDEN: the caller is not (or no longer) an admin. Not worth retrying. */
export function isForbidden(error: unknown): boolean {
  return isApiError(error) && error.status === 403;
}

/** A 4xx (403 not an admin, 404 user gone, …) says the same again: only other failures are retried. */
const retryUnlessClientError = (failures: number, error: unknown) =>
  !(isApiError(error) && error.status >= 400 && error.status < 500) && failures < 2;

export function useAdminUsers(filter: AdminUserFilter) {
  const client = useApi();
  return useQuery({
    queryKey: [...adminKeys.users, filter],
    queryFn: () => adminApi.users(client, filter),
    placeholderData: keepPreviousData,
    staleTime: 0,
    retry: retryUnlessClientError,
  });
}

export function useAdminMetrics(period: MetricsPeriod) {
  const client = useApi();
  return useQuery({
    queryKey: [...adminKeys.metrics, period],
    queryFn: () => adminApi.metrics(client, period),
    placeholderData: keepPreviousData,
    staleTime: 0,
    retry: retryUnlessClientError,
  });
}

export function useAdminActions() {
  const client = useApi();
  return useInfiniteQuery({
    queryKey: adminKeys.actions,
    queryFn: ({ pageParam }) => adminApi.actions(client, ACTIONS_PAGE, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last: ListPage<unknown>) =>
      last.pagination.has_more ? last.pagination.offset + last.data.length : undefined,
    staleTime: 0,
    retry: retryUnlessClientError,
  });
}

/** A user's payments, each with whether it can still be refunded. */
export function useUserPayments(userId: string) {
  const client = useApi();
  return useQuery({
    queryKey: [...adminKeys.all, 'payments', userId],
    queryFn: () => adminApi.payments(client, userId).then((page) => page.data),
    staleTime: 0,
    retry: retryUnlessClientError,
  });
}

/** A grant or a refund changes users, metrics and the log: all asked again. */
function useInvalidateAdmin() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: adminKeys.all });
}

export function useGrantPremium(userId: string) {
  const client = useApi();
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: (grant: GrantRequest) => adminApi.grantPremium(client, userId, grant),
    onSuccess: invalidate,
  });
}

/**
 * `onRefunded` runs here, before the lists are asked again: the reload makes the payment
 * unrefundable and unmounts its form, and a callback passed to `mutate` would then be dropped.
 */
export function useRefund(onRefunded: (result: RefundResult) => void) {
  const client = useApi();
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: ({ paymentId, reason }: { paymentId: string; reason: string }) =>
      adminApi.refund(client, paymentId, reason),
    onSuccess: (result) => {
      onRefunded(result);
      return invalidate();
    },
  });
}
