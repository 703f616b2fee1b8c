import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { AppNotification, NotificationPage } from '../api/types';
import { useApi } from '../session/SessionProvider';
import { queryKeys } from './queries';

const PAGE = 20;
/** How often the unread count is asked while the app is in front (and on every return to it). */
export const UNREAD_POLL_MS = 60_000;

const unreadKey = [...queryKeys.notifications, 'unread'] as const;
const listKey = [...queryKeys.notifications, 'list'] as const;

/** The unread count: on mount, when the app comes back to the front, and every minute. */
export function useUnreadCount() {
  const client = useApi();
  return useQuery({
    queryKey: unreadKey,
    queryFn: async () => (await api.notifications(client, { unread_only: true, limit: 1 })).unread,
    refetchInterval: UNREAD_POLL_MS,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: 0,
    retry: false,
  });
}

/** Pages of notifications, newest first; fetched while the sheet is open. */
export function useNotifications(enabled: boolean) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useInfiniteQuery({
    queryKey: listKey,
    queryFn: async ({ pageParam }) => {
      const page = await api.notifications(client, { limit: PAGE, offset: pageParam });
      // The list's answer carries the unread count too: the badge follows it at once.
      queryClient.setQueryData(unreadKey, page.unread);
      return page;
    },
    initialPageParam: 0,
    getNextPageParam: (last: NotificationPage) =>
      last.pagination.has_more ? last.pagination.offset + last.data.length : undefined,
    enabled,
    staleTime: 0,
  });
}

type Pages = InfiniteData<NotificationPage, number>;

/** Marks notifications read in the cached pages and lowers the badge, before the server answers. */
function markCached(queryClient: ReturnType<typeof useQueryClient>, which: (n: AppNotification) => boolean) {
  const now = new Date().toISOString();
  let marked = 0;
  queryClient.setQueryData<Pages>(listKey, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            data: page.data.map((n) => {
              if (n.read_at || !which(n)) return n;
              marked += 1;
              return { ...n, read_at: now };
            }),
          })),
        }
      : data,
  );
  return marked;
}

export function useMarkRead() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.readNotification(client, id),
    onMutate: async (id) => {
      await queryClient.cancelQueries({ queryKey: queryKeys.notifications });
      const marked = markCached(queryClient, (n) => n.id === id);
      if (marked > 0) queryClient.setQueryData<number>(unreadKey, (n) => Math.max(0, (n ?? 0) - marked));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}

export function useMarkAllRead() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.readAllNotifications(client),
    onMutate: async () => {
      await queryClient.cancelQueries({ queryKey: queryKeys.notifications });
      markCached(queryClient, () => true);
      queryClient.setQueryData<number>(unreadKey, 0);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}
