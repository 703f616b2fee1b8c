import { describe, expect, it } from 'vitest';
import { dialogPage, message } from '../test/apiStub';
import { appendMessages, emptyHistory, historyMessages, visibleAnswer } from './tutorChat';

describe('visibleAnswer', () => {
  const answer = 'Отличный вопрос! «Casa» значит «дом».';

  it('shows plain text as it is', () => {
    expect(visibleAnswer('Hello\nworld')).toBe('Hello\nworld');
  });

  it('hides the [[WORDS]] trailer, also while the marker is still arriving in pieces', () => {
    expect(visibleAnswer(`${answer}\n[[WORDS]]\n[{"word":"la casa"}]`)).toBe(answer);
    expect(visibleAnswer(`${answer}\n[[WORDS]]`)).toBe(answer);
    expect(visibleAnswer(`${answer}\n[[WO`)).toBe(answer);
    expect(visibleAnswer(`${answer}\n[`)).toBe(answer);
    expect(visibleAnswer('[[WORDS]]\n[]')).toBe('');
  });
});

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
