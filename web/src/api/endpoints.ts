import type { ApiClient } from './client';
import type { Me, MePatch, NewProfile, Profile, ProfilePatch } from './types';

/** Lists may arrive bare or in the `{data, pagination}` envelope of the list convention. */
function unwrapList<T>(body: T[] | { data: T[] }): T[] {
  return Array.isArray(body) ? body : body.data;
}

export const api = {
  me: (client: ApiClient) => client.get<Me>('/api/me'),
  patchMe: (client: ApiClient, patch: MePatch) => client.patch<Me>('/api/me', patch),
  profiles: async (client: ApiClient) =>
    unwrapList(await client.get<Profile[] | { data: Profile[] }>('/api/profiles')),
  createProfile: (client: ApiClient, profile: NewProfile) =>
    client.post<Profile>('/api/profiles', profile),
  patchProfile: (client: ApiClient, id: string, patch: ProfilePatch) =>
    client.patch<Profile>(`/api/profiles/${encodeURIComponent(id)}`, patch),
  deleteProfile: (client: ApiClient, id: string) =>
    client.delete(`/api/profiles/${encodeURIComponent(id)}`),
  activateProfile: (client: ApiClient, id: string) =>
    client.post<Profile>(`/api/profiles/${encodeURIComponent(id)}/activate`),
};
