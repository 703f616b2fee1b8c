import type { ApiClient } from '../api/client';
import { queryString } from '../api/endpoints';
import type {
  Deck,
  GroupDetail,
  GroupList,
  GroupPatch,
  GroupProgress,
  Invite,
  InviteList,
  InvitePreview,
  Material,
  MaterialList,
  NewGroup,
  NewInvite,
  ShareRequest,
} from '../api/types';
import type { ProgressPeriod } from './groups';

/** Lists may arrive bare or in the `{data, pagination}` envelope of the list convention. */
function unwrapList<T>(body: T[] | { data: T[] }): T[] {
  return Array.isArray(body) ? body : body.data;
}

const id = encodeURIComponent;

/** `/api/groups` (docs/groups-and-billing.md). Lists are one page of up to 100. */
export const groupsApi = {
  list: async (client: ApiClient, includeArchived: boolean) =>
    unwrapList(
      await client.get<GroupList>(`/api/groups${queryString({ include_archived: includeArchived || undefined, limit: 100 })}`),
    ),
  get: (client: ApiClient, groupId: string) => client.get<GroupDetail>(`/api/groups/${id(groupId)}`),
  /** 402 LIMIT_REACHED (`limit: "groups"`, or `group_members` for a max above the plan). */
  create: (client: ApiClient, group: NewGroup) => client.post<GroupDetail>('/api/groups', group),
  patch: (client: ApiClient, groupId: string, patch: GroupPatch) =>
    client.patch<GroupDetail>(`/api/groups/${id(groupId)}`, patch),
  /** The owner archives: invites stop working, materials stay readable to members. */
  archive: (client: ApiClient, groupId: string) => client.delete(`/api/groups/${id(groupId)}`),

  invites: async (client: ApiClient, groupId: string) =>
    unwrapList(await client.get<InviteList>(`/api/groups/${id(groupId)}/invites${queryString({ limit: 100 })}`)),
  createInvite: (client: ApiClient, groupId: string, invite: NewInvite) =>
    client.post<Invite>(`/api/groups/${id(groupId)}/invites`, invite),
  revokeInvite: (client: ApiClient, groupId: string, inviteId: string) =>
    client.delete(`/api/groups/${id(groupId)}/invites/${id(inviteId)}`),
  /** 404 GROUP_NOT_FOUND (unknown code, archived group) · 400 INVITE_EXPIRED. */
  preview: (client: ApiClient, code: string) => client.get<InvitePreview>(`/api/groups/invites/${id(code)}`),
  /** 400 INVITE_EXPIRED · 404 GROUP_NOT_FOUND · 409 ALREADY_MEMBER · 402 LIMIT_REACHED (full). */
  join: (client: ApiClient, code: string) => client.post<GroupDetail>('/api/groups/join', { code }),
  /** 409 CONFLICT for the owner (who archives instead). */
  leave: (client: ApiClient, groupId: string) => client.post(`/api/groups/${id(groupId)}/leave`),
  removeMember: (client: ApiClient, groupId: string, userId: string) =>
    client.delete(`/api/groups/${id(groupId)}/members/${id(userId)}`),

  materials: async (client: ApiClient, groupId: string) =>
    unwrapList(await client.get<MaterialList>(`/api/groups/${id(groupId)}/materials${queryString({ limit: 100 })}`)),
  /** 409 CONFLICT when already shared. */
  share: (client: ApiClient, groupId: string, request: ShareRequest) =>
    client.post<Material>(`/api/groups/${id(groupId)}/materials`, request),
  unshare: (client: ApiClient, groupId: string, materialId: string) =>
    client.delete(`/api/groups/${id(groupId)}/materials/${id(materialId)}`),
  /** A new deck of mine with copies of the shared deck's cards (duplicates by lemma skipped). */
  copyDeck: (client: ApiClient, groupId: string, materialId: string) =>
    client.post<Deck>(`/api/groups/${id(groupId)}/materials/${id(materialId)}/copy`, {}),
  progress: (client: ApiClient, groupId: string, period: ProgressPeriod) =>
    client.get<GroupProgress>(`/api/groups/${id(groupId)}/progress${queryString({ period })}`),
};
