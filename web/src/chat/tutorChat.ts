import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';
import type { DialogPage, Message } from '../api/types';

/** Server limit of one tutor message (POST /api/sessions/chat). */
export const MESSAGE_MAX = 4000;
/** Messages per history page. */
export const HISTORY_PAGE = 20;

/** The history pages (newest page first, each oldest first) as one list, oldest first. */
export function historyMessages(data: InfiniteData<DialogPage> | undefined): Message[] {
  if (!data) return [];
  const seen = new Set<string>();
  const messages: Message[] = [];
  for (let index = data.pages.length - 1; index >= 0; index -= 1) {
    for (const message of data.pages[index]?.data ?? []) {
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      messages.push(message);
    }
  }
  return messages;
}

/** The cache after an exchange completed: the messages appended to the newest page, once. */
export function appendMessages(
  data: InfiniteData<DialogPage> | undefined,
  added: Message[],
): InfiniteData<DialogPage> | undefined {
  if (!data) return data;
  const [newest, ...older] = data.pages;
  if (!newest) return data;
  const known = new Set(data.pages.flatMap((page) => page.data.map((m) => m.id)));
  const fresh = added.filter((m) => !known.has(m.id));
  if (fresh.length === 0) return data;
  return { ...data, pages: [{ ...newest, data: [...newest.data, ...fresh] }, ...older] };
}

/**
 * Writes messages the server has saved into the cached history. A history fetch still
 * running is cancelled first: it may have read the dialog before they were saved and would
 * overwrite them. With no history cached (never loaded, or the load failed) nothing can be
 * appended, so the history is fetched afresh instead: the messages are never just dropped.
 */
export async function storeMessages(queryClient: QueryClient, key: QueryKey, added: Message[]): Promise<void> {
  await queryClient.cancelQueries({ queryKey: key });
  const data = queryClient.getQueryData<InfiniteData<DialogPage>>(key);
  if (!data || data.pages.length === 0) {
    await queryClient.invalidateQueries({ queryKey: key });
    return;
  }
  queryClient.setQueryData<InfiniteData<DialogPage>>(key, (current) => appendMessages(current, added));
}

/** The cache of a cleared dialog: one empty page. */
export function emptyHistory(): InfiniteData<DialogPage, string | undefined> {
  return {
    pages: [{ data: [], pagination: { limit: HISTORY_PAGE, has_more: false, next_before: null } }],
    pageParams: [undefined],
  };
}
