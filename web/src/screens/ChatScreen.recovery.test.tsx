import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { DialogPage, Me } from '../api/types';
import { historyMessages } from '../chat/tutorChat';
import { dialogKey } from '../chat/useTutorChat';
import {
  chatReply,
  controlledStream,
  dialogPage,
  errorBody,
  me,
  message,
  quota,
  sseStream,
  stubFetch,
} from '../test/apiStub';
import { answer, chatPosts, question, renderChat } from '../test/chat';
import { renderScreen } from '../test/renderApp';
import { ChatScreen } from './ChatScreen';

// The tutor when things go wrong: stopped, stalled or lost answers, a history not there yet,
// leaving midway, no LLM on the server, a quota day that ends.
describe('ChatScreen recovery', () => {
  it('stops an answer being streamed: the message then waits with Retry', async () => {
    const live = controlledStream();
    const saved = message({ id: 'm-5', content: 'долгий вопрос' });
    let calls = 0;
    const { server } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
      'POST /api/sessions/chat': () => {
        calls += 1;
        return calls === 1
          ? { stream: live.stream }
          : { stream: sseStream([['done', chatReply(saved, message({ id: 'm-6', role: 'assistant', content: 'Ответ' }))]]) };
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'долгий вопрос{Enter}');
    // Stop is there from the typing dots on.
    await screen.findByTestId('typing');
    expect(screen.getByRole('button', { name: 'Остановить' })).toBeEnabled();
    act(() => {
      live.send('user_message', saved);
      live.send('delta', { text: 'Начинаю' });
    });
    await screen.findByText('Начинаю');

    await user.click(screen.getByRole('button', { name: 'Остановить' }));
    expect(chatPosts(server.requests)[0]?.signal?.aborted).toBe(true);
    await waitFor(() => expect(live.cancelled).toBe(true));
    const failed = await screen.findByTestId('chat-failed');
    expect(failed).toHaveTextContent('Ответ остановлен.');
    expect(screen.queryByText('Начинаю')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Остановить' })).toBeNull();

    await user.click(within(failed).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Ответ')).toBeInTheDocument();
    expect(chatPosts(server.requests)[1]?.body).toEqual({ retry_message_id: 'm-5' });
    expect(screen.getAllByText('долгий вопрос')).toHaveLength(1);
  });

  it('keeps the composer closed until the history has loaded', async () => {
    let respond: (value: { body: unknown }) => void = () => {};
    renderChat({ 'GET /api/dialog/history': () => new Promise((resolve) => (respond = resolve)) });
    await screen.findByRole('status', { name: 'Загрузка…' });
    expect(screen.queryByRole('textbox')).toBeNull();
    respond({ body: dialogPage([question, answer]) });
    expect(await screen.findByRole('textbox', { name: 'Сообщение репетитору' })).toBeEnabled();
  });

  it('offers no composer while the history failed to load', async () => {
    renderChat({ 'GET /api/dialog/history': () => ({ status: 500, body: errorBody('INTERNAL_ERROR') }) });
    await screen.findByRole('alert', {}, { timeout: 4000 });
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Отправить' })).toBeNull();
  });

  it('keeps a finished answer when a history fetch read before it was saved ends later', async () => {
    const live = controlledStream();
    let historyCalls = 0;
    let late: (value: { body: unknown }) => void = () => {};
    const { queryClient } = renderChat({
      'GET /api/dialog/history': () => {
        historyCalls += 1;
        // The second fetch has read the dialog before the exchange was saved.
        return historyCalls === 1 ? { body: dialogPage([]) } : new Promise((resolve) => (late = resolve));
      },
      'POST /api/sessions/chat': () => ({ stream: live.stream }),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'Как сказать «дом»?{Enter}');
    await screen.findByTestId('typing');
    act(() => {
      void queryClient.invalidateQueries({ queryKey: dialogKey('p-en') });
    });
    await waitFor(() => expect(historyCalls).toBe(2));
    act(() => {
      live.send('user_message', question);
      live.send('done', chatReply(question, answer));
      live.close();
    });
    await screen.findByText(/«Casa» значит «дом»/);
    await act(async () => {
      late({ body: dialogPage([]) });
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(screen.getByText(/«Casa» значит «дом»/)).toBeInTheDocument();
    expect(screen.getByText('Как сказать «дом»?')).toBeInTheDocument();
  });

  it('still shows a failed message with Retry after leaving the screen and coming back', async () => {
    let saved = false;
    const failedQuestion = message({ id: 'm-9', content: 'please fail' });
    const { server, router, queryClient } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage(saved ? [failedQuestion] : []) }),
      'POST /api/sessions/chat': () => {
        saved = true;
        return { status: 502, body: errorBody('LLM_SERVICE_ERROR', 'down', { user_message_id: 'm-9' }) };
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'please fail{Enter}');
    await screen.findByTestId('chat-failed');
    // At once in the cached history, unanswered, as the server has it.
    const cached = queryClient.getQueryData<InfiniteData<DialogPage>>(dialogKey('p-en'));
    expect(historyMessages(cached).map((m) => m.id)).toEqual(['m-9']);
    expect(screen.getAllByText('please fail')).toHaveLength(1);

    await act(() => router.navigate('/elsewhere'));
    await act(() => router.navigate('/chat'));
    const note = await screen.findByTestId('chat-unanswered');
    expect(screen.getByText('please fail')).toBeInTheDocument();
    await user.click(within(note).getByRole('button', { name: 'Повторить' }));
    await waitFor(() => expect(chatPosts(server.requests)).toHaveLength(2));
    expect(chatPosts(server.requests)[1]?.body).toEqual({ retry_message_id: 'm-9' });
  });

  it('retries by id a message that was saved before the connection dropped, without sending it twice', async () => {
    const live = controlledStream();
    let saved = false;
    const lost = message({ id: 'm-7', content: 'потерянный вопрос' });
    const { server } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage(saved ? [question, answer, lost] : [question, answer]) }),
      'POST /api/sessions/chat': () => {
        if (chatPosts(server.requests).length === 1) {
          saved = true;
          return { stream: live.stream };
        }
        return { stream: sseStream([['done', chatReply(lost, message({ id: 'm-8', role: 'assistant', content: 'Нашёлся' }))]]) };
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'потерянный вопрос{Enter}');
    await screen.findByTestId('typing');
    // The connection drops before any frame, the user_message one included.
    act(() => live.fail());
    const failed = await screen.findByTestId('chat-failed');
    expect(failed).toHaveTextContent('Нет связи с сервером');

    await user.click(within(failed).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Нашёлся')).toBeInTheDocument();
    expect(chatPosts(server.requests).map((r) => r.body)).toEqual([
      { message: 'потерянный вопрос' },
      { retry_message_id: 'm-7' },
    ]);
    expect(screen.getAllByText('потерянный вопрос')).toHaveLength(1);
  });

  it('sends the text again when the history shows it was never saved', async () => {
    const live = controlledStream();
    const fresh = message({ id: 'm-11', content: 'новый вопрос' });
    const { server } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([question, answer]) }),
      'POST /api/sessions/chat': () =>
        chatPosts(server.requests).length === 1
          ? { stream: live.stream }
          : { stream: sseStream([['done', chatReply(fresh, message({ id: 'm-12', role: 'assistant', content: 'Ок' }))]]) },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'новый вопрос{Enter}');
    await screen.findByTestId('typing');
    act(() => live.fail());
    await user.click(within(await screen.findByTestId('chat-failed')).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Ок')).toBeInTheDocument();
    expect(chatPosts(server.requests).map((r) => r.body)).toEqual([{ message: 'новый вопрос' }, { message: 'новый вопрос' }]);
  });

  it('shows the not-configured state without a composer when Me says there is no LLM', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me({ features: { llm: false, speech: false } }) }),
      'GET /api/dialog/history': () => ({ body: dialogPage([question, answer]) }),
    });
    renderScreen(<ChatScreen />, { fetchFn: server.fetchFn, path: '/chat' });
    expect(await screen.findByTestId('chat-not-configured')).toHaveTextContent('Репетитор не настроен на этом сервере.');
    // The old conversation can still be read.
    expect(await screen.findByText(/«Casa» значит «дом»/)).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(server.requests.some((r) => r.path === '/api/sessions/chat')).toBe(false);
  });

  it('shows only the unavailable state to a learner with no dialog yet when Me says there is no LLM', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me({ features: { llm: false, speech: false } }) }),
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
    });
    renderScreen(<ChatScreen />, { fetchFn: server.fetchFn, path: '/chat' });
    const state = await screen.findByTestId('chat-not-configured');
    expect(state).toHaveTextContent('Репетитор недоступен');
    // Once the (empty) history has landed, it must not bring the invitation back.
    await waitFor(() => expect(screen.queryByRole('status', { name: 'Загрузка…' })).toBeNull());
    expect(screen.queryByText(/Спросите репетитора о чём угодно/)).toBeNull();
    expect(screen.queryByText(/Например:/)).toBeNull();
    expect(screen.queryByTestId('chat-quota')).toBeNull();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Очистить историю' })).toBeNull();
  });

  it('remembers a 503 LLM_NOT_CONFIGURED in Me, so the rest of the app knows', async () => {
    const { queryClient } = renderChat({
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
      'POST /api/sessions/chat': () => ({ status: 503, body: errorBody('LLM_NOT_CONFIGURED') }),
    });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'привет{Enter}');
    await screen.findByTestId('chat-not-configured');
    expect(queryClient.getQueryData<Me>(['me'])?.features?.llm).toBe(false);
  });

  it('goes back to Me’s quota once the chat’s own copy has reset, fetching Me again', async () => {
    const resetAt = new Date(Date.now() + 400).toISOString();
    const saved = message({ id: 'm-20', content: 'последний' });
    const { server } = renderChat({
      // The server's count for the new day.
      'GET /api/me': () => ({ body: me() }),
      'GET /api/dialog/history': () => ({ body: dialogPage([]) }),
      'POST /api/sessions/chat': () => ({
        stream: sseStream([
          ['done', chatReply(saved, message({ id: 'm-21', role: 'assistant', content: 'Всё' }), { quota: quota({ used: 50, reset_at: resetAt }) })],
        ]),
      }),
    });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Сообщение репетитору' }), 'последний{Enter}');
    expect(await screen.findByTestId('chat-quota-exceeded')).toBeInTheDocument();
    const meCalls = () => server.requests.filter((r) => r.path === '/api/me').length;
    const before = meCalls();
    // The reset passes with the screen open: Me is fetched for the new day and wins.
    await waitFor(() => expect(meCalls()).toBeGreaterThan(before), { timeout: 4000 });
    await waitFor(() => expect(screen.getByTestId('chat-quota')).toHaveTextContent('Осталось сообщений на сегодня: 50 из 50'));
    expect(screen.getByRole('textbox', { name: 'Сообщение репетитору' })).toBeInTheDocument();
  });
});
