import { focusManager } from '@tanstack/react-query';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppNotification } from '../api/types';
import { UNREAD_POLL_MS } from '../hooks/notificationQueries';
import { errorBody, notification, notificationPage, stubFetch } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { NotificationsBell } from './Notifications';

const reminder = notification();
const older = notification({
  id: 'n-2',
  kind: 'info',
  title: 'Новые упражнения',
  body: 'Попробуйте тему «Еда».',
  created_at: '2026-11-26T10:00:00Z',
});
const read = notification({ id: 'n-3', title: 'Прочитанное', body: 'Старое', read_at: '2026-11-20T10:00:00Z', created_at: '2026-11-20T09:00:00Z' });

/** A server keeping notifications and their read state. */
function notificationServer(initial: AppNotification[]) {
  let items = initial.map((n) => ({ ...n }));
  const unread = () => items.filter((n) => !n.read_at).length;
  const server = stubFetch({
    'GET /api/notifications': (r) => {
      const list = r.query.unread_only === 'true' ? items.filter((n) => !n.read_at) : items;
      const limit = Number(r.query.limit ?? 20);
      return { body: notificationPage(list.slice(0, limit), { unread: unread(), pagination: { limit, offset: 0, total: list.length, has_more: list.length > limit } }) };
    },
    'POST /api/notifications/n-1/read': () => {
      items = items.map((n) => (n.id === 'n-1' ? { ...n, read_at: '2026-11-27T20:00:00Z' } : n));
      return { body: items.find((n) => n.id === 'n-1') };
    },
    'POST /api/notifications/read-all': () => {
      const updated = unread();
      items = items.map((n) => ({ ...n, read_at: n.read_at ?? '2026-11-27T20:00:00Z' }));
      return { body: { updated } };
    },
  });
  return server;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-27T20:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('NotificationsBell', () => {
  it('shows the unread count, asking for it once more when the app comes back to the front', async () => {
    const server = notificationServer([reminder, older, read]);
    renderScreen(<NotificationsBell />, { fetchFn: server.fetchFn });
    const bell = await screen.findByRole('button', { name: 'Уведомления: 2 непрочитанных' });
    expect(within(bell).getByTestId('unread-badge')).toHaveTextContent('2');
    const asked = () => server.requests.filter((r) => r.path === '/api/notifications').length;
    expect(server.requests[server.requests.length - 1]?.query).toEqual({ unread_only: 'true', limit: '1' });
    const before = asked();
    act(() => {
      focusManager.setFocused(false);
      focusManager.setFocused(true);
    });
    await waitFor(() => expect(asked()).toBe(before + 1));
    act(() => focusManager.setFocused(undefined));
    expect(UNREAD_POLL_MS).toBe(60_000);
  });

  it('lists notifications newest first, unread highlighted, with the time ago; a tap marks one read', async () => {
    const server = notificationServer([reminder, older, read]);
    const user = userEvent.setup();
    renderScreen(<NotificationsBell />, { fetchFn: server.fetchFn });
    await user.click(await screen.findByRole('button', { name: /Уведомления: 2/ }));

    const sheet = await screen.findByRole('dialog', { name: 'Уведомления' });
    await waitFor(() => expect(within(sheet).getAllByTestId('notification')).toHaveLength(3));
    const [first, second, third] = within(sheet).getAllByTestId('notification') as HTMLElement[];
    expect(first).toHaveTextContent('Пора позаниматься (не прочитано)');
    expect(first).toHaveTextContent('Серия 3 дня — не прерывайте её.');
    expect(first).toHaveTextContent('4 часа назад');
    expect(first).toHaveClass('notification-unread');
    expect(second).toHaveTextContent('вчера');
    expect(third).toHaveAttribute('data-unread', 'false');
    expect(third?.tagName).toBe('DIV');
    expect(third).toHaveTextContent('на прошлой неделе');

    await user.click(first as HTMLElement);
    await waitFor(() => expect(within(sheet).getAllByTestId('notification')[0]).toHaveAttribute('data-unread', 'false'));
    expect(server.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/api/notifications/n-1/read']);
    await waitFor(() => expect(screen.getByTestId('notifications-bell')).toHaveAccessibleName('Уведомления: 1 непрочитанное'));
  });

  it('marks all read and closes with Escape, giving the focus back to the bell', async () => {
    const server = notificationServer([reminder, older]);
    const user = userEvent.setup();
    renderScreen(<NotificationsBell />, { fetchFn: server.fetchFn });
    const bell = await screen.findByRole('button', { name: /Уведомления: 2/ });
    await user.click(bell);
    const sheet = await screen.findByRole('dialog');
    await user.click(await within(sheet).findByRole('button', { name: 'Прочитать все' }));
    await waitFor(() =>
      expect(within(sheet).getAllByTestId('notification').every((n) => n.getAttribute('data-unread') === 'false')).toBe(true),
    );
    expect(server.requests.some((r) => r.method === 'POST' && r.path === '/api/notifications/read-all')).toBe(true);
    expect(within(sheet).queryByRole('button', { name: 'Прочитать все' })).toBeNull();
    expect(bell).toHaveAccessibleName('Уведомления');
    expect(screen.queryByTestId('unread-badge')).toBeNull();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(bell).toHaveFocus();
  });

  it('says when there are none, and closes from the backdrop', async () => {
    const server = notificationServer([]);
    const user = userEvent.setup();
    renderScreen(<NotificationsBell />, { fetchFn: server.fetchFn });
    await user.click(await screen.findByRole('button', { name: 'Уведомления' }));
    const sheet = await screen.findByRole('dialog');
    expect(await within(sheet).findByText('Уведомлений пока нет. Здесь появятся напоминания о занятиях.')).toBeInTheDocument();
    expect(within(sheet).queryByRole('button', { name: 'Прочитать все' })).toBeNull();
    await user.click(sheet.parentElement as HTMLElement);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows a failed list with retry; a failed count just shows no badge', async () => {
    let fail = true;
    const server = stubFetch({
      'GET /api/notifications': () => (fail ? { status: 500, body: errorBody('INTERNAL_ERROR') } : { body: notificationPage([reminder]) }),
    });
    const user = userEvent.setup();
    renderScreen(<NotificationsBell />, { fetchFn: server.fetchFn });
    const bell = screen.getByRole('button', { name: 'Уведомления' });
    await waitFor(() => expect(server.requests.length).toBeGreaterThan(0));
    expect(screen.queryByTestId('unread-badge')).toBeNull();
    await user.click(bell);
    const alert = await screen.findByRole('alert', {}, { timeout: 5000 });
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Пора позаниматься')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('unread-badge')).toHaveTextContent('1'));
  });
});
