import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  card,
  chatReply,
  controlledStream,
  dialogPage,
  errorBody,
  limits,
  me,
  message,
  quota,
  sseStream,
  stubFetch,
} from '../test/apiStub';
import { answer, chatPosts, input, question, renderChat } from '../test/chat';
import { renderScreen } from '../test/renderApp';
import { ChatScreen } from './ChatScreen';

describe('ChatScreen', () => {
  it('invites the first question when the history is empty, and shows the quota left', async () => {
    renderChat({ 'GET /api/dialog/history': () => ({ body: dialogPage([]) }) });
    expect(await screen.findByText(/Спросите репетитора о чём угодно/)).toBeInTheDocument();
    expect(screen.getByTestId('chat-quota')).toHaveTextContent('Осталось сообщений на сегодня: 50 из 50');
    expect(screen.queryByRole('button', { name: 'Очистить историю' })).toBeNull();
    expect(screen.getByTestId('chat-counter')).toHaveTextContent('0 / 4000');
  });

  it('shows the history as plain text and loads earlier pages at the top', async () => {
    const older = message({ id: 'm-0', content: '<b>не жирный</b>' });
    const { server } = renderChat({
      'GET /api/dialog/history': (r) =>
        r.query.before === 'm-1' ? { body: dialogPage([older]) } : { body: dialogPage([question, answer], 'm-1') },
    });
    const bubble = await screen.findByText(/«Casa» значит «дом»/);
    // Line breaks are kept as text (white-space: pre-wrap), not turned into markup.
    expect(bubble.textContent).toBe('Отличный вопрос!\n«Casa» значит «дом».');
    expect(screen.queryByText('<b>не жирный</b>')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Показать более ранние сообщения' }));
    const oldest = await screen.findByText('<b>не жирный</b>');
    expect(oldest.querySelector('b')).toBeNull();
    const items = within(screen.getByRole('log')).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('<b>не жирный</b>');
    expect(screen.queryByRole('button', { name: 'Показать более ранние сообщения' })).toBeNull();
    expect(server.requests.filter((r) => r.path === '/api/dialog/history').map((r) => r.query)).toEqual([
      { limit: '20' },
      { before: 'm-1', limit: '20' },
    ]);
  });

  it('shows the message at once, a typing indicator, the answer as it streams, then the saved answer', async () => {
    const live = controlledStream();
    const { server } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
      'POST /api/sessions/chat': () => ({ stream: live.stream }),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'Как сказать{Shift>}{Enter}{/Shift}«дом»?');
    expect(input()).toHaveValue('Как сказать\n«дом»?');
    expect(screen.getByTestId('chat-counter')).toHaveTextContent('18 / 4000');
    await user.keyboard('{Enter}');

    const log = await screen.findByRole('log');
    expect(within(log).getByText('Как сказать «дом»?', { normalizer: (s) => s.replace(/\s+/g, ' ') })).toBeInTheDocument();
    expect(await screen.findByTestId('typing')).toBeInTheDocument();
    expect(input()).toHaveValue('');
    expect(screen.getByRole('button', { name: 'Отправить' })).toBeDisabled();
    const sent = chatPosts(server.requests)[0];
    expect(sent?.body).toEqual({ message: 'Как сказать\n«дом»?' });
    expect(sent?.headers.accept).toBe('text/event-stream');

    const saved = message({ id: 'm-1', content: 'Как сказать\n«дом»?' });
    act(() => {
      live.send('user_message', saved);
      live.send('delta', { text: 'Отличный ' });
    });
    const streaming = await screen.findByTestId('chat-streaming');
    await waitFor(() => expect(streaming).toHaveTextContent('Отличный'));
    expect(screen.queryByTestId('typing')).toBeNull();
    act(() => live.send('delta', { text: 'вопрос!\n«Casa» значит «дом».' }));
    await waitFor(() => expect(streaming).toHaveTextContent('Отличный вопрос! «Casa» значит «дом».'));

    act(() => {
      live.send('done', chatReply(saved, answer, { quota: quota({ used: 1 }) }));
      live.close();
    });
    await waitFor(() => expect(screen.queryByTestId('chat-streaming')).toBeNull());
    expect(screen.getByText(/«Casa» значит «дом»/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /la casa/ })).toBeInTheDocument();
    expect(screen.getByTestId('chat-quota')).toHaveTextContent('Осталось сообщений на сегодня: 49 из 50');
    expect(screen.getByRole('button', { name: 'Очистить историю' })).toBeEnabled();
  });

  it('marks a failed message and retries it by the id from a 502', async () => {
    let calls = 0;
    const { server } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
      'POST /api/sessions/chat': () => {
        calls += 1;
        if (calls === 1) {
          return { status: 502, body: errorBody('LLM_SERVICE_ERROR', 'down', { user_message_id: 'm-9' }) };
        }
        const saved = message({ id: 'm-9', content: 'please fail' });
        return {
          stream: sseStream([
            ['user_message', saved],
            ['delta', { text: 'Готово.' }],
            ['done', chatReply(saved, message({ id: 'm-10', role: 'assistant', content: 'Готово.' }))],
          ]),
        };
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'please fail{Enter}');
    const failed = await screen.findByTestId('chat-failed');
    expect(failed).toHaveTextContent('Языковая модель не ответила');
    expect(failed.closest('li')).toHaveAttribute('data-status', 'failed');

    await user.click(within(failed).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Готово.')).toBeInTheDocument();
    expect(screen.queryByTestId('chat-failed')).toBeNull();
    expect(chatPosts(server.requests).map((r) => r.body)).toEqual([{ message: 'please fail' }, { retry_message_id: 'm-9' }]);
    // The message is shown once.
    expect(screen.getAllByText('please fail')).toHaveLength(1);
  });

  it('retries a stream that failed midway by the id of its user_message event', async () => {
    let calls = 0;
    const saved = message({ id: 'm-5', content: 'вопрос' });
    const { server } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
      'POST /api/sessions/chat': () => {
        calls += 1;
        return calls === 1
          ? {
              stream: sseStream([
                ['user_message', saved],
                ['delta', { text: 'Начало…' }],
                ['error', errorBody('LLM_SERVICE_ERROR', 'cut')],
              ]),
            }
          : { stream: sseStream([['done', chatReply(saved, message({ id: 'm-6', role: 'assistant', content: 'Ответ' }))]]) };
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'вопрос{Enter}');
    const failed = await screen.findByTestId('chat-failed');
    // The half answer is not left as if it were complete.
    expect(screen.queryByText('Начало…')).toBeNull();
    await user.click(within(failed).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Ответ')).toBeInTheDocument();
    expect(chatPosts(server.requests)[1]?.body).toEqual({ retry_message_id: 'm-5' });
  });

  it('offers a retry for a saved message without an answer in the history', async () => {
    const { server } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([question]) }),
      'POST /api/sessions/chat': () => ({
        stream: sseStream([['done', chatReply(question, answer)]]),
      }),
    });
    const note = await screen.findByTestId('chat-unanswered');
    await userEvent.click(within(note).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText(/«Casa» значит «дом»/)).toBeInTheDocument();
    expect(chatPosts(server.requests)[0]?.body).toEqual({ retry_message_id: 'm-1' });
    expect(screen.getAllByText('Как сказать «дом»?')).toHaveLength(1);
    expect(screen.queryByTestId('chat-unanswered')).toBeNull();
  });

  it('says when the tutor is not configured on the server, keeping the text', async () => {
    renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
      'POST /api/sessions/chat': () => ({ status: 503, body: errorBody('LLM_NOT_CONFIGURED') }),
    });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'привет{Enter}');
    const state = await screen.findByTestId('chat-not-configured');
    expect(state).toHaveTextContent('Репетитор не настроен на этом сервере.');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByText('привет')).toBeNull();
    // The invitation to ask anything goes with the composer; no quota either.
    expect(screen.queryByText(/Спросите репетитора о чём угодно/)).toBeNull();
    expect(screen.queryByText(/Например:/)).toBeNull();
    expect(screen.queryByTestId('chat-quota')).toBeNull();
  });

  it('shows the quota screen with the local reset time on 429, and from Me', async () => {
    const resetAt = new Date(new Date().setHours(24, 0, 0, 0)).toISOString();
    renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
      'POST /api/sessions/chat': () => ({
        status: 429,
        body: errorBody('QUOTA_EXCEEDED', 'quota', { kind: 'messages', used: 50, max: 50, reset_at: resetAt, retry_after: 60 }),
      }),
    });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'ещё{Enter}');
    const state = await screen.findByTestId('chat-quota-exceeded');
    expect(state).toHaveTextContent('Сегодня использовано 50 из 50 сообщений репетитору. Новые можно будет отправить с 00:00.');
    expect(screen.getByTestId('chat-quota')).toHaveTextContent('0 из 50');
  });

  it('starts on the quota screen when Me says nothing is left', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me({ limits: limits({ messages: quota({ used: 50 }) }) }) }),
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
    });
    renderScreen(<ChatScreen />, { fetchFn: server.fetchFn, path: '/chat' });
    expect(await screen.findByTestId('chat-quota-exceeded')).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).toBeNull();
  });

  it('gives a rejected message back to the composer with the reason', async () => {
    renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
      'POST /api/sessions/chat': () => ({ status: 400, body: errorBody('CONTENT_REJECTED') }),
    });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'плохое{Enter}');
    expect(await screen.findByText('Сообщение отклонено модерацией. Сформулируйте его иначе.')).toBeInTheDocument();
    expect(input()).toHaveValue('плохое');
    expect(screen.queryByRole('log')).toBeNull();
  });

  it('adds a suggested word as a card from the chat; a duplicate links to the card there', async () => {
    let posts = 0;
    const { server } = renderChat({
      'GET /api/dialog/history': () => ({
        body: dialogPage([
          question,
          answer,
          message({ id: 'm-3', role: 'assistant', content: 'И ещё', words: [{ word: 'el perro', translation: 'собака', note: null }] }),
        ]),
      }),
      'POST /api/cards': (r) => {
        posts += 1;
        return posts === 1
          ? { status: 201, body: card({ id: 'c-new', ...(r.body as object) }) }
          : { status: 409, body: errorBody('DUPLICATE_CARD', 'dup', { existing: card({ id: 'c-old', front: 'el perro' }) }) };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /la casa/ }));
    const added = await screen.findByRole('link', { name: /la casa/ });
    expect(added).toHaveTextContent('добавлено');
    expect(added).toHaveAttribute('href', '/cards/card/c-new');
    expect(server.requests.find((r) => r.path === '/api/cards')?.body).toEqual({
      front: 'la casa',
      back: 'дом',
      notes: 'f.',
      source: 'chat',
    });

    await user.click(screen.getByRole('button', { name: /el perro/ }));
    const existing = await screen.findByRole('link', { name: /el perro/ });
    expect(existing).toHaveTextContent('уже в карточках');
    expect(existing).toHaveAttribute('href', '/cards/card/c-old');
    expect(server.requests.filter((r) => r.path === '/api/cards').at(-1)?.body).toEqual({
      front: 'el perro',
      back: 'собака',
      source: 'chat',
    });
  });

  it('shows the card limit on a chip after 402', async () => {
    renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([question, answer]) }),
      'POST /api/cards': () => ({ status: 402, body: errorBody('LIMIT_REACHED', 'limit', { limit: 'cards', max: 200 }) }),
    });
    await userEvent.click(await screen.findByRole('button', { name: /la casa/ }));
    await waitFor(() => expect(screen.getByRole('button', { name: /la casa/ })).toHaveTextContent('лимит карточек'));
    expect(screen.getByRole('button', { name: /la casa/ })).toBeDisabled();
  });

  it('clears the history after a confirmation', async () => {
    const { server } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([question, answer]) }),
      'DELETE /api/dialog/history': () => ({ body: { deleted: 2 } }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Очистить историю' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('Удалить всю переписку с репетитором?');
    await user.click(within(dialog).getByRole('button', { name: 'Отмена' }));
    expect(server.requests.some((r) => r.method === 'DELETE')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Очистить историю' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Удалить' }));
    expect(await screen.findByText(/Спросите репетитора о чём угодно/)).toBeInTheDocument();
    expect(screen.queryByRole('log')).toBeNull();
    expect(server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });

  it('aborts the stream when the screen is left', async () => {
    const live = controlledStream();
    const { server, router } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
      'POST /api/sessions/chat': () => ({ stream: live.stream }),
    });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'долгий вопрос{Enter}');
    await screen.findByTestId('typing');
    act(() => live.send('delta', { text: 'Начинаю' }));
    await screen.findByText('Начинаю');
    const signal = chatPosts(server.requests)[0]?.signal;
    expect(signal?.aborted).toBe(false);
    await act(() => router.navigate('/elsewhere'));
    expect(signal?.aborted).toBe(true);
    await waitFor(() => expect(live.cancelled).toBe(true));
  });

  it('shows a failed history load with a retry', async () => {
    let calls = 0;
    renderChat({
      'GET /api/dialog/history': () => {
        calls += 1;
        return calls <= 2 ? { status: 500, body: errorBody('INTERNAL', 'Server broke') } : { body: dialogPage([question, answer]) };
      },
    });
    const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
    // The server's English message is not shown; a sentence in the interface language is.
    expect(alert).toHaveTextContent('На сервере произошла ошибка. Попробуйте ещё раз чуть позже.');
    expect(alert).not.toHaveTextContent('Server broke');
    expect(alert).toHaveTextContent('req-INTERNAL');
    await userEvent.click(within(alert).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText(/«Casa» значит «дом»/)).toBeInTheDocument();
  });
});
