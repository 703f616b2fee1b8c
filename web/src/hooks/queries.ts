import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { Me, MePatch, Memory, NewProfile, ProfilePatch } from '../api/types';
import { useApi } from '../session/SessionProvider';

export const queryKeys = {
  me: ['me'] as const,
  profiles: ['profiles'] as const,
  // Prefixes: every deck list and deck, every card list and card.
  decks: ['decks'] as const,
  cards: ['cards'] as const,
  // Every topic list; every page of the exercise history.
  topics: ['topics'] as const,
  exerciseHistory: ['exercise-history'] as const,
  // The streak, the calendar and every period's stats; the notifications list and unread count.
  stats: ['stats'] as const,
  notifications: ['notifications'] as const,
  // One profile's memory model (its FSRS parameters, fits and forecast).
  memory: (profileId: string) => ['memory', profileId] as const,
};

export function useMe() {
  const client = useApi();
  return useQuery({ queryKey: queryKeys.me, queryFn: () => api.me(client) });
}

/** Whether the tutor and card generation can work; unknown (an older server) counts as yes. */
export function llmAvailable(me: Me | undefined): boolean {
  return me?.features?.llm !== false;
}

/**
 * A 503 LLM_NOT_CONFIGURED answered somewhere: Me says so from now on, so every screen
 * offering the tutor or card generation disables it at once.
 */
export function rememberLlmUnavailable(queryClient: QueryClient): void {
  queryClient.setQueryData<Me>(queryKeys.me, (me) =>
    me ? { ...me, features: { ...me.features, llm: false, speech: false } } : me,
  );
}

export function useProfiles() {
  const client = useApi();
  return useQuery({ queryKey: queryKeys.profiles, queryFn: () => api.profiles(client) });
}

/** Profile changes move limits, the active profile, its decks and the interface language. */
function useInvalidateAll() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.profiles }),
      queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      // The active profile decides which decks (and counts) the lists show.
      queryClient.invalidateQueries({ queryKey: queryKeys.decks }),
      // ...and its topics and exercise history.
      queryClient.invalidateQueries({ queryKey: queryKeys.topics }),
      queryClient.invalidateQueries({ queryKey: queryKeys.exerciseHistory }),
      // ...and its stats.
      queryClient.invalidateQueries({ queryKey: queryKeys.stats }),
    ]);
}

export function usePatchMe() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: MePatch) => api.patchMe(client, patch),
    onSuccess: (me: Me) => {
      queryClient.setQueryData(queryKeys.me, me);
      // interface_language is stored on the active profile.
      return queryClient.invalidateQueries({ queryKey: queryKeys.profiles });
    },
  });
}

export function useCreateProfile() {
  const client = useApi();
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (profile: NewProfile) => api.createProfile(client, profile),
    onSuccess: invalidate,
  });
}

export function usePatchProfile(id: string) {
  const client = useApi();
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (patch: ProfilePatch) => api.patchProfile(client, id, patch),
    onSuccess: invalidate,
  });
}

export function useDeleteProfile() {
  const client = useApi();
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (id: string) => api.deleteProfile(client, id),
    // Not awaited: the caller leaves the deleted profile's page before the lists refetch.
    onSuccess: () => {
      void invalidate();
    },
  });
}

export function useActivateProfile() {
  const client = useApi();
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (id: string) => api.activateProfile(client, id),
    onSuccess: invalidate,
  });
}

export function useMemory(profileId: string) {
  const client = useApi();
  return useQuery({ queryKey: queryKeys.memory(profileId), queryFn: () => api.memory(client, profileId) });
}

/** Back to FSRS's default parameters; the answer is the memory model as it now is. */
export function useResetMemory(profileId: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.resetMemory(client, profileId),
    // The study queue is read afresh each session, so only this answer needs keeping.
    onSuccess: (memory: Memory) => queryClient.setQueryData(queryKeys.memory(profileId), memory),
  });
}
