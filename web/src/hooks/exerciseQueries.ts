import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { AttemptFilter, GenerateExercisesRequest, NewTopic, SubmitRequest, Topic, TopicPatch } from '../api/types';
import { isApiError } from '../api/errors';
import type { Me, Quota } from '../api/types';
import { useApi } from '../session/SessionProvider';
import { queryKeys, rememberLlmUnavailable } from './queries';

const HISTORY_PAGE = 20;

/** Topics of the active profile, active first, then by name. */
export function useTopics() {
  const client = useApi();
  return useQuery({ queryKey: [...queryKeys.topics, 'list'], queryFn: () => api.topics(client) });
}

/** Every topic list and the history (its topic names) after a topic change. */
function useInvalidateTopics() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.topics }),
      queryClient.invalidateQueries({ queryKey: queryKeys.exerciseHistory }),
    ]);
}

export function useCreateTopic() {
  const client = useApi();
  const invalidate = useInvalidateTopics();
  return useMutation({ mutationFn: (topic: NewTopic) => api.createTopic(client, topic), onSuccess: invalidate });
}

export function usePatchTopic(id: string) {
  const client = useApi();
  const invalidate = useInvalidateTopics();
  return useMutation({ mutationFn: (patch: TopicPatch) => api.patchTopic(client, id, patch), onSuccess: invalidate });
}

export function useDeleteTopic(id: string) {
  const client = useApi();
  const invalidate = useInvalidateTopics();
  return useMutation({ mutationFn: () => api.deleteTopic(client, id), onSuccess: invalidate });
}

export function useActivateTopic() {
  const client = useApi();
  const invalidate = useInvalidateTopics();
  return useMutation({ mutationFn: (id: string) => api.activateTopic(client, id), onSuccess: invalidate });
}

/** A 503 from an LLM route: every screen stops offering the LLM features at once. */
function onLlmError(queryClient: QueryClient, error: unknown): void {
  if (isApiError(error) && error.code === 'LLM_NOT_CONFIGURED') rememberLlmUnavailable(queryClient);
}

/** 5–7 topics for the profile's language, levels and goals, asked on demand. */
export function useSuggestTopics() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.suggestTopics(client),
    onError: (error) => onLlmError(queryClient, error),
  });
}

/** The exercises quota in Me; a server from before exercises (outside the contract) has none. */
export function exercisesQuota(me: Me | undefined): Quota | undefined {
  return (me?.limits as Partial<Me['limits']> | undefined)?.exercises;
}

/** Writes a quota the server just reported into the cached Me (Home shows it). */
function rememberExercisesQuota(queryClient: QueryClient, quota: Quota): void {
  queryClient.setQueryData<Me>(queryKeys.me, (me) =>
    me ? { ...me, limits: { ...me.limits, exercises: quota } } : me,
  );
}

export function useGenerateExercises() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: GenerateExercisesRequest) => api.generateExercises(client, request),
    onSuccess: (batch) => rememberExercisesQuota(queryClient, batch.quota),
    onError: (error) => onLlmError(queryClient, error),
  });
}

export function useExerciseHint() {
  const client = useApi();
  return useMutation({ mutationFn: (exerciseId: string) => api.exerciseHint(client, exerciseId) });
}

export function useSubmitExercise() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ exerciseId, request }: { exerciseId: string; request: SubmitRequest }) =>
      api.submitExercise(client, exerciseId, request),
    onSuccess: (result) => {
      // The answered topic's stats are in the answer; the lists and history are fetched again.
      const updated = result.topic;
      if (updated) {
        queryClient.setQueryData<Topic[]>([...queryKeys.topics, 'list'], (topics) =>
          topics?.map((topic) => (topic.id === updated.id ? updated : topic)),
        );
      }
      void queryClient.invalidateQueries({ queryKey: queryKeys.topics });
      void queryClient.invalidateQueries({ queryKey: queryKeys.exerciseHistory });
    },
    onError: (error) => onLlmError(queryClient, error),
  });
}

/** Pages of past attempts, newest first; earlier results stay visible while a filter loads. */
export function useExerciseHistory(filter: Omit<AttemptFilter, 'limit' | 'offset'>) {
  const client = useApi();
  return useInfiniteQuery({
    queryKey: [...queryKeys.exerciseHistory, filter],
    queryFn: ({ pageParam }) => api.exerciseHistory(client, { ...filter, limit: HISTORY_PAGE, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last) =>
      last.pagination.has_more ? last.pagination.offset + last.data.length : undefined,
    placeholderData: keepPreviousData,
  });
}
