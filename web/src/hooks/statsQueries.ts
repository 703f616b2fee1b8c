import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { StatsPeriod } from '../api/types';
import { useApi } from '../session/SessionProvider';
import { queryKeys } from './queries';

/** The heat-map's span. */
export const CALENDAR_WEEKS = 12;

// Any review, exercise or card added elsewhere changes these, so every screen that shows them
// asks again when it opens (the cached answer is shown meanwhile).
const FRESH = { staleTime: 0 } as const;

export function useStreak() {
  const client = useApi();
  return useQuery({ queryKey: [...queryKeys.stats, 'streak'], queryFn: () => api.streak(client), ...FRESH });
}

export function useCalendar(weeks = CALENDAR_WEEKS) {
  const client = useApi();
  return useQuery({
    queryKey: [...queryKeys.stats, 'calendar', weeks],
    queryFn: () => api.calendar(client, weeks),
    ...FRESH,
  });
}

/** The active profile's stats; the previous period stays on screen while another loads. */
export function useStats(period: StatsPeriod) {
  const client = useApi();
  return useQuery({
    queryKey: [...queryKeys.stats, 'period', period],
    queryFn: () => api.stats(client, period),
    placeholderData: keepPreviousData,
    ...FRESH,
  });
}
