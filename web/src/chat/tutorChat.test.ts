import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { DialogPage } from '../api/types';
import { dialogPage, message } from '../test/apiStub';
import { appendMessages, emptyHistory, historyMessages, storeMessages } from './tutorChat';

describe('dialog history pages', () => {
  const m = (n: number) => message({ id: `m-${n}`, content: `#${n}` });

  it('lists the pages oldest first: the newest page comes first in the cache', () => {
    const data = { pages: [dialogPage([m(3), m(4)], 'm-3'), dialogPage([m(1), m(2)])], pageParams: [undefined, 'm-3'] };
    expect(historyMessages(data).map((x) => x.id)).toEqual(['m-1', 'm-2', 'm-3', 'm-4']);
    expect(historyMessages(undefined)).toEqual([]);
  });

  it('appends an answered exchange to the newest page once', () => {
    const data = { pages: [dialogPage([m(3)], 'm-3'), dialogPage([m(1)])], pageParams: [undefined, 'm-3'] };
    const next = appendMessages(data, [m(5), m(6)]);
    expect(historyMessages(next).map((x) => x.id)).toEqual(['m-1', 'm-3', 'm-5', 'm-6']);
    expect(appendMessages(next, [m(5)])).toBe(next);
    expect(historyMessages(appendMessages(emptyHistory(), [m(1)])).map((x) => x.id)).toEqual(['m-1']);
  });
});

describe('storeMessages', () => {
  const key = ['dialog', 'p-en'];
  const m = (n: number) => message({ id: `m-${n}`, content: `#${n}` });

  it('appends to the cached history', async () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(key, { pages: [dialogPage([m(1)])], pageParams: [undefined] });
    await storeMessages(queryClient, key, [m(2), m(3)]);
    expect(historyMessages(queryClient.getQueryData<InfiniteData<DialogPage>>(key)).map((x) => x.id)).toEqual([
      'm-1',
      'm-2',
      'm-3',
    ]);
  });

  it('fetches the history afresh instead of dropping the messages when none is cached', async () => {
    const queryClient = new QueryClient();
    const fetched = vi.fn(async () => dialogPage([m(1), m(2)]));
    // The history failed to load: the query exists without data.
    queryClient.getQueryCache().build(queryClient, { queryKey: key, queryFn: fetched });
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    await storeMessages(queryClient, key, [m(1), m(2)]);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: key });
    expect(queryClient.getQueryState(key)?.isInvalidated).toBe(true);
  });

  it('cancels a history fetch in flight, so its older page cannot overwrite the new messages', async () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(key, { pages: [dialogPage([m(1)])], pageParams: [undefined] });
    let answer: (page: DialogPage) => void = () => {};
    const stale = queryClient.fetchQuery({
      queryKey: key,
      queryFn: () => new Promise<unknown>((resolve) => (answer = resolve)),
    }).catch(() => undefined);
    await storeMessages(queryClient, key, [m(2)]);
    // The fetch started before m-2 was saved ends now, with the page it read then.
    answer(dialogPage([m(1)]));
    await stale;
    expect(historyMessages(queryClient.getQueryData<InfiniteData<DialogPage>>(key)).map((x) => x.id)).toEqual(['m-1', 'm-2']);
  });
});
