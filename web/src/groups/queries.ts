import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { GroupDetail, GroupPatch, NewGroup, NewInvite, ShareRequest } from '../api/types';
import { queryKeys } from '../hooks/queries';
import { useApi } from '../session/SessionProvider';
import { groupsApi } from './api';
import { codeOf } from './errors';
import type { ProgressPeriod } from './groups';

export const groupKeys = {
  all: ['groups'] as const,
  list: (includeArchived: boolean) => ['groups', 'list', includeArchived] as const,
  detail: (id: string) => ['groups', 'detail', id] as const,
  invites: (id: string) => ['groups', 'invites', id] as const,
  materials: (id: string) => ['groups', 'materials', id] as const,
  progress: (id: string, period: ProgressPeriod) => ['groups', 'progress', id, period] as const,
  preview: (code: string) => ['groups', 'preview', code] as const,
};

/** Archived groups are always fetched: the list shows them apart. */
export function useGroups() {
  const client = useApi();
  return useQuery({ queryKey: groupKeys.list(true), queryFn: () => groupsApi.list(client, true) });
}

export function useGroup(id: string) {
  const client = useApi();
  return useQuery({
    queryKey: groupKeys.detail(id),
    queryFn: () => groupsApi.get(client, id),
    // A group that is gone (or left) stays gone: no retry.
    retry: (failures, error) => failures < 1 && codeOf(error) !== 'GROUP_NOT_FOUND',
  });
}

function useInvalidateGroups() {
  const queryClient = useQueryClient();
  // Me counts the groups I own (limits.groups).
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: groupKeys.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.me }),
    ]);
}

export function useCreateGroup() {
  const client = useApi();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateGroups();
  return useMutation({
    mutationFn: (group: NewGroup) => groupsApi.create(client, group),
    onSuccess: (detail) => {
      queryClient.setQueryData(groupKeys.detail(detail.id), detail);
      void invalidate();
    },
  });
}

export function usePatchGroup(id: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: GroupPatch) => groupsApi.patch(client, id, patch),
    onSuccess: (detail) => {
      queryClient.setQueryData(groupKeys.detail(id), detail);
      void queryClient.invalidateQueries({ queryKey: ['groups', 'list'] });
    },
  });
}

export function useArchiveGroup(id: string) {
  const client = useApi();
  const invalidate = useInvalidateGroups();
  return useMutation({ mutationFn: () => groupsApi.archive(client, id), onSuccess: invalidate });
}

export function useLeaveGroup(id: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => groupsApi.leave(client, id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: groupKeys.detail(id) });
      return queryClient.invalidateQueries({ queryKey: ['groups', 'list'] });
    },
  });
}

export function useRemoveMember(id: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => groupsApi.removeMember(client, id, userId),
    onSuccess: (_, userId) => {
      queryClient.setQueryData<GroupDetail>(groupKeys.detail(id), (detail) =>
        detail
          ? { ...detail, members: detail.members.filter((m) => m.user_id !== userId), member_count: detail.member_count - 1 }
          : detail,
      );
      void queryClient.invalidateQueries({ queryKey: groupKeys.all });
    },
  });
}

export function useInvites(id: string, enabled: boolean) {
  const client = useApi();
  return useQuery({ queryKey: groupKeys.invites(id), queryFn: () => groupsApi.invites(client, id), enabled });
}

export function useCreateInvite(id: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invite: NewInvite) => groupsApi.createInvite(client, id, invite),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: groupKeys.invites(id) }),
  });
}

export function useRevokeInvite(id: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (inviteId: string) => groupsApi.revokeInvite(client, id, inviteId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: groupKeys.invites(id) }),
  });
}

/** The invite's preview; a failure is an answer to show (expired, unknown), never retried. */
export function useInvitePreview(code: string | null) {
  const client = useApi();
  return useQuery({
    queryKey: groupKeys.preview(code ?? ''),
    queryFn: () => groupsApi.preview(client, code ?? ''),
    enabled: code !== null,
    retry: false,
    staleTime: 0,
  });
}

export function useJoinGroup() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => groupsApi.join(client, code),
    onSuccess: (detail) => {
      queryClient.setQueryData(groupKeys.detail(detail.id), detail);
      void queryClient.invalidateQueries({ queryKey: ['groups', 'list'] });
    },
  });
}

/** Shared material; deck counts are mine, so they are asked again each time the screen opens. */
export function useMaterials(id: string) {
  const client = useApi();
  return useQuery({ queryKey: groupKeys.materials(id), queryFn: () => groupsApi.materials(client, id), staleTime: 0 });
}

export function useShareMaterial(id: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: ShareRequest) => groupsApi.share(client, id, request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: groupKeys.materials(id) }),
  });
}

export function useUnshareMaterial(id: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (materialId: string) => groupsApi.unshare(client, id, materialId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: groupKeys.materials(id) }),
  });
}

export function useCopyDeck(id: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (materialId: string) => groupsApi.copyDeck(client, id, materialId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.decks }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]),
  });
}

/** The teacher's table; the previous period stays (dimmed) while the next loads. */
export function useGroupProgress(id: string, period: ProgressPeriod, enabled: boolean) {
  const client = useApi();
  return useQuery({
    queryKey: groupKeys.progress(id, period),
    queryFn: () => groupsApi.progress(client, id, period),
    enabled,
    staleTime: 0,
    placeholderData: keepPreviousData,
  });
}

/** A topic shared with a group, for the exercise session opened from the group's materials. */
export function useSharedTopic(groupId: string | null, topicId: string | undefined) {
  const client = useApi();
  const materials = useQuery({
    queryKey: groupKeys.materials(groupId ?? ''),
    queryFn: () => groupsApi.materials(client, groupId ?? ''),
    enabled: Boolean(groupId && topicId),
  });
  const topic = materials.data?.find((m) => m.topic?.id === topicId)?.topic ?? undefined;
  return { isPending: Boolean(groupId && topicId) && materials.isPending, topic };
}

/** A deck shared with a group, for the study screen opened from the group's materials. */
export function useSharedDeck(groupId: string | null, deckId: string | undefined) {
  const client = useApi();
  const materials = useQuery({
    queryKey: groupKeys.materials(groupId ?? ''),
    queryFn: () => groupsApi.materials(client, groupId ?? ''),
    enabled: Boolean(groupId && deckId),
  });
  return materials.data?.find((m) => m.deck?.id === deckId)?.deck ?? undefined;
}
