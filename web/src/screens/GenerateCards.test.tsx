import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  card,
  controlledStream,
  deck,
  errorBody,
  generateReport,
  limits,
  me,
  page,
  quota,
  sseText,
  sseStream,
  stubFetch,
  wordResult,
  type RecordedRequest,
} from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import type { Me } from '../api/types';
import { CardAddScreen } from './CardAddScreen';

type Routes = Parameters<typeof stubFetch>[0];

const main = deck({ counts: { new: 1, learning: 0, due: 0, waiting: 0, total: 1 } });

function renderGenerate(routes: Routes, path = '/cards/d-main/add?mode=generate') {
  const server = stubFetch({
    'GET /api/me': () => ({ body: me() }),
    'GET /api/decks/d-main': () => ({ body: main }),
    'GET /api/decks': () => ({ body: page([main]) }),
    ...routes,
  });
  const view = renderScreen(<CardAddScreen />, { fetchFn: server.fetchFn, path, route: '/cards/:deckId/add' });
  return { server, ...view };
}

const words = () => screen.getByRole('textbox', { name: 'Слова или фразы' });
const submit = () => screen.getByRole('button', { name: 'Создать карточки' });
const row = (word: string) => {
  const found = screen.getByTestId('generate-results').querySelector(`[data-word="${word}"]`);
  if (!found) throw new Error(`no row for ${word}`);
  return found as HTMLElement;
};
const generatePosts = (requests: RecordedRequest[]) => requests.filter((r) => r.path === '/api/cards/generate');

describe('CardAddScreen: generate from words', () => {
  it('switches between adding by hand and generating, keeping the mode in the address', async () => {
    const { router } = renderGenerate({}, '/cards/d-main/add');
    expect(await screen.findByRole('textbox', { name: 'Слово или фраза *' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Сгенерировать по словам' }));
    expect(words()).toBeInTheDocument();
    expect(router.state.location.search).toBe('?mode=generate');
    expect(screen.getByRole('button', { name: 'Сгенерировать по словам' })).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(screen.getByRole('button', { name: 'Вручную' }));
    expect(screen.getByRole('textbox', { name: 'Слово или фраза *' })).toBeInTheDocument();
  });

  it('counts the words and validates 1 to 20 of at most 100 characters before sending', async () => {
    const { server } = renderGenerate({});
    const user = userEvent.setup();
    await screen.findByRole('textbox', { name: 'Слова или фразы' });
    expect(await screen.findByTestId('generate-quota')).toHaveTextContent('Генераций на сегодня осталось: 20 из 20');
    await user.click(submit());
    expect(screen.getByText('Введите хотя бы одно слово.')).toBeInTheDocument();

    await user.type(words(), 'casa, perro\ngato');
    expect(screen.getByTestId('generate-count')).toHaveTextContent('Слов: 3 из 20');
    expect(screen.queryByRole('alert')).toBeNull();

    await user.clear(words());
    await user.click(words());
    await user.paste(Array.from({ length: 21 }, (_, i) => `w${i}`).join('\n'));
    expect(screen.getByTestId('generate-count')).toHaveTextContent('Слов: 21 из 20');
    expect(screen.getByRole('alert')).toHaveTextContent('Не больше 20 слов за раз.');

    await user.clear(words());
    await user.paste(`ok\n${'a'.repeat(101)}`);
    expect(screen.getByRole('alert')).toHaveTextContent('Длиннее 100 символов');
    await user.click(submit());
    expect(generatePosts(server.requests)).toHaveLength(0);
  });

  it('shows each word pending, then created, duplicate or failed as its frame arrives, then the summary', async () => {
    const live = controlledStream();
    const { server } = renderGenerate({ 'POST /api/cards/generate': () => ({ stream: live.stream }) });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Слова или фразы' }), 'casa\nperro\nfailword\ngato');
    await user.click(submit());

    await waitFor(() => expect(row('casa')).toHaveAttribute('data-status', 'pending'));
    expect(row('gato')).toHaveTextContent('в работе…');
    const sent = generatePosts(server.requests)[0];
    expect(sent?.body).toEqual({ deck_id: 'd-main', words: ['casa', 'perro', 'failword', 'gato'] });
    expect(sent?.headers.accept).toBe('text/event-stream');
    expect(sent?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);

    const gato = wordResult('gato', 'duplicate', { card: card({ id: 'c-gato', front: 'el gato', back: 'кот' }) });
    act(() => live.send('word', gato));
    await waitFor(() => expect(row('gato')).toHaveAttribute('data-status', 'duplicate'));
    expect(within(row('gato')).getByRole('link', { name: 'Открыть карточку' })).toHaveAttribute('href', '/cards/card/c-gato');
    expect(row('casa')).toHaveAttribute('data-status', 'pending');

    // Each LLM call ending shows before the cards are saved together.
    act(() => live.send('progress', { word: 'casa', status: 'generated' }));
    await waitFor(() => expect(row('casa')).toHaveAttribute('data-status', 'written'));
    expect(row('casa')).toHaveTextContent('готово, сохраняю…');
    expect(row('perro')).toHaveAttribute('data-status', 'pending');

    const results = [
      wordResult('casa', 'created'),
      wordResult('perro', 'created'),
      wordResult('failword', 'failed'),
      gato,
    ];
    act(() => {
      live.send('word', results[0]);
      live.send('word', results[2]);
    });
    await waitFor(() => expect(row('casa')).toHaveAttribute('data-status', 'created'));
    expect(within(row('casa')).getByRole('link')).toHaveTextContent('casa — перевод casa');
    expect(row('failword')).toHaveTextContent('Языковая модель не ответила');
    expect(row('perro')).toHaveAttribute('data-status', 'pending');

    act(() => {
      live.send('word', results[1]);
      live.send('done', generateReport(results, { quota: quota({ used: 2, max: 20 }) }));
      live.close();
    });
    expect(await screen.findByTestId('generate-summary')).toHaveTextContent(
      'Создано: 2 · уже были: 1 · не удалось: 1',
    );
    expect(row('perro')).toHaveAttribute('data-status', 'created');
    expect(screen.getByTestId('generate-quota')).toHaveTextContent('Генераций на сегодня осталось: 18 из 20');
    expect(words()).toHaveValue('');

    // The failed word can be sent again on its own.
    await user.click(screen.getByRole('button', { name: 'Повторить для неудавшихся слов' }));
    expect(words()).toHaveValue('failword');
  });

  it('retries a submission cut off by the network under the same Idempotency-Key', async () => {
    let calls = 0;
    const { server } = renderGenerate({
      'POST /api/cards/generate': () => {
        calls += 1;
        if (calls === 1) {
          // One frame arrives, then the connection drops.
          let pulls = 0;
          const cut = new ReadableStream<Uint8Array>({
            pull(controller) {
              pulls += 1;
              if (pulls === 1) controller.enqueue(new TextEncoder().encode(sseText([['word', wordResult('casa', 'created')]])));
              else controller.error(new TypeError('network error'));
            },
          });
          return { stream: cut };
        }
        return { stream: sseStream([['done', generateReport([wordResult('casa', 'created')])]]) };
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Слова или фразы' }), 'casa');
    await user.click(submit());
    const error = await screen.findByTestId('generate-error');
    expect(error).toHaveTextContent('Связь прервалась. Повтор не создаст карточки дважды.');
    expect(row('casa')).toHaveAttribute('data-status', 'created');
    await user.click(within(error).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByTestId('generate-summary')).toHaveTextContent('Создано: 1');
    const [first, second] = generatePosts(server.requests);
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);

    // A new submission is a new key.
    await user.type(words(), 'perro');
    await user.click(submit());
    await waitFor(() => expect(generatePosts(server.requests)).toHaveLength(3));
    const third = generatePosts(server.requests)[2];
    expect(third?.headers['idempotency-key']).not.toBe(first?.headers['idempotency-key']);
  });

  it('explains a quota that does not cover the words, with the reset time', async () => {
    const resetAt = new Date(new Date().setHours(24, 0, 0, 0)).toISOString();
    renderGenerate({
      'POST /api/cards/generate': () => ({
        status: 429,
        body: errorBody('QUOTA_EXCEEDED', 'quota', { kind: 'card_generation', used: 19, max: 20, reset_at: resetAt, retry_after: 5 }),
      }),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Слова или фразы' }), 'casa, perro');
    await user.click(submit());
    expect(await screen.findByTestId('generate-error')).toHaveTextContent(
      'На сегодня не хватает генераций: осталось 1 из 20. Обновление: 00:00.',
    );
    expect(screen.getByTestId('generate-quota')).toHaveTextContent('осталось: 1 из 20');
    expect(within(screen.getByTestId('generate-error')).queryByRole('button')).toBeNull();
  });

  it('explains the card limit (402) and a failed provider (502), which can be retried', async () => {
    let answer = 0;
    const answers = [
      { status: 402, body: errorBody('LIMIT_REACHED', 'limit', { limit: 'cards', used: 199, max: 200 }) },
      {
        status: 502,
        body: errorBody('LLM_SERVICE_ERROR', 'all failed', { results: [wordResult('casa', 'failed')] }),
      },
    ];
    const { server } = renderGenerate({ 'POST /api/cards/generate': () => answers[answer++] });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Слова или фразы' }), 'casa');
    await user.click(submit());
    expect(await screen.findByTestId('generate-error')).toHaveTextContent('Достигнут лимит тарифа: карточек — не больше 200.');

    await user.click(submit());
    await waitFor(() => expect(screen.getByTestId('generate-error')).toHaveTextContent('Языковая модель не ответила'));
    expect(row('casa')).toHaveAttribute('data-status', 'failed');
    await user.click(within(screen.getByTestId('generate-error')).getByRole('button', { name: 'Повторить' }));
    await waitFor(() => expect(generatePosts(server.requests)).toHaveLength(3));
  });

  it('after a 503 remembers in Me that there is no LLM and turns the generate mode off', async () => {
    const { queryClient } = renderGenerate({
      'POST /api/cards/generate': () => ({ status: 503, body: errorBody('LLM_NOT_CONFIGURED') }),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Слова или фразы' }), 'casa');
    await user.click(submit());
    expect(await screen.findByTestId('generate-unavailable')).toHaveTextContent(
      'Генерация и слова с фото недоступны: ИИ не настроен на этом сервере.',
    );
    expect(queryClient.getQueryData<Me>(['me'])?.features?.llm).toBe(false);
    expect(screen.getByRole('button', { name: 'Сгенерировать по словам' })).toBeDisabled();
    expect(screen.getByRole('textbox', { name: 'Слово или фраза *' })).toBeInTheDocument();
  });

  it('shows the generate mode disabled with the reason when Me says there is no LLM', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me({ features: { llm: false, speech: false } }) }),
      'GET /api/decks/d-main': () => ({ body: main }),
    });
    renderScreen(<CardAddScreen />, {
      fetchFn: server.fetchFn,
      path: '/cards/d-main/add?mode=generate',
      route: '/cards/:deckId/add',
    });
    // Opened straight into the generate mode: the hand form instead, and why.
    expect(await screen.findByRole('textbox', { name: 'Слово или фраза *' })).toBeInTheDocument();
    const generate = screen.getByRole('button', { name: 'Сгенерировать по словам' });
    expect(generate).toBeDisabled();
    expect(generate).toHaveAccessibleDescription(/ИИ не настроен на этом сервере/);
    expect(screen.queryByRole('textbox', { name: 'Слова или фразы' })).toBeNull();
    expect(generatePosts(server.requests)).toHaveLength(0);
  });

  it('locks the mode switch while a generation runs', async () => {
    const live = controlledStream();
    renderGenerate({ 'POST /api/cards/generate': () => ({ stream: live.stream }) });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Слова или фразы' }), 'casa');
    await user.click(submit());
    await waitFor(() => expect(row('casa')).toHaveAttribute('data-status', 'pending'));
    expect(screen.getByRole('button', { name: 'Вручную' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Сгенерировать по словам' })).toBeDisabled();

    act(() => {
      live.send('done', generateReport([wordResult('casa', 'created')]));
      live.close();
    });
    await screen.findByTestId('generate-summary');
    expect(screen.getByRole('button', { name: 'Вручную' })).toBeEnabled();
  });

  it('says when a word failed while the others are still being saved', async () => {
    const live = controlledStream();
    renderGenerate({ 'POST /api/cards/generate': () => ({ stream: live.stream }) });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Слова или фразы' }), 'casa\nfailword');
    await user.click(submit());
    act(() => live.send('progress', { word: 'failword', status: 'failed' }));
    await waitFor(() => expect(row('failword')).toHaveAttribute('data-status', 'failing'));
    expect(row('failword')).toHaveTextContent('не удалось, сохраняю остальные…');
    expect(row('failword')).not.toHaveTextContent('в работе…');
    expect(row('casa')).toHaveAttribute('data-status', 'pending');

    const results = [wordResult('casa', 'created'), wordResult('failword', 'failed')];
    act(() => {
      for (const result of results) live.send('word', result);
      live.send('done', generateReport(results));
      live.close();
    });
    await screen.findByTestId('generate-summary');
    expect(row('failword')).toHaveAttribute('data-status', 'failed');
    expect(row('failword')).not.toHaveTextContent('сохраняю');
  });

  it('offers the result of a run left midway, asking with the same key until the server has it', async () => {
    const live = controlledStream();
    const results = [wordResult('casa', 'created'), wordResult('gato', 'duplicate')];
    let deckFetches = 0;
    const { server, router, queryClient } = renderGenerate({
      'GET /api/decks/d-main': () => {
        deckFetches += 1;
        return { body: main };
      },
      'POST /api/cards/generate': () => {
        const n = generatePosts(server.requests).length;
        if (n === 1) return { stream: live.stream };
        // Still running on the server, then its stored result replayed.
        if (n === 2) return { status: 409, body: errorBody('CONFLICT', 'busy', { reason: 'in_progress' }) };
        return { stream: sseStream([...results.map((r): [string, unknown] => ['word', r]), ['done', generateReport(results)]]) };
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Слова или фразы' }), 'casa, gato');
    await user.click(submit());
    act(() => live.send('word', results[1]));
    await waitFor(() => expect(row('gato')).toHaveAttribute('data-status', 'duplicate'));

    await act(() => router.navigate('/elsewhere'));
    expect(generatePosts(server.requests)[0]?.signal?.aborted).toBe(true);
    // The cards are still being made: no refresh now.
    expect(queryClient.getQueryState(['decks', 'one', 'd-main'])?.isInvalidated).toBe(false);
    const fetchesBefore = deckFetches;

    await act(() => router.navigate('/cards/d-main/add?mode=generate'));
    const offer = await screen.findByTestId('generate-pending');
    expect(offer).toHaveTextContent('Генерация (casa, gato) шла, когда вы ушли с экрана.');
    await user.click(within(offer).getByRole('button', { name: 'Показать результат' }));
    expect(await screen.findByTestId('generate-summary', {}, { timeout: 4000 })).toHaveTextContent(
      'Создано: 1 · уже были: 1 · не удалось: 0',
    );
    expect(row('casa')).toHaveAttribute('data-status', 'created');
    const posts = generatePosts(server.requests);
    expect(posts).toHaveLength(3);
    const key = posts[0]?.headers['idempotency-key'];
    for (const post of posts) {
      expect(post.headers['idempotency-key']).toBe(key);
      expect(post.body).toEqual({ deck_id: 'd-main', words: ['casa', 'gato'] });
    }
    // Refreshed once the replay completed, and nothing left to offer.
    await waitFor(() => expect(deckFetches).toBe(fetchesBefore + 1));
    expect(screen.queryByTestId('generate-pending')).toBeNull();
    expect(sessionStorage.getItem('la_generate_run:d-main')).toBeNull();
  });

  it('lets the learner dismiss a run left midway', async () => {
    sessionStorage.setItem('la_generate_run:d-main', JSON.stringify({ words: ['casa'], key: 'k-old' }));
    const { server } = renderGenerate({});
    const offer = await screen.findByTestId('generate-pending');
    await userEvent.click(within(offer).getByRole('button', { name: 'Скрыть' }));
    expect(screen.queryByTestId('generate-pending')).toBeNull();
    expect(sessionStorage.getItem('la_generate_run:d-main')).toBeNull();
    expect(generatePosts(server.requests)).toHaveLength(0);
  });

  it('refuses to start when Me says the generation quota is used up', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({
        body: me({ limits: limits({ card_generation: quota({ used: 20, max: 20 }) }) }),
      }),
      'GET /api/decks/d-main': () => ({ body: main }),
    });
    renderScreen(<CardAddScreen />, {
      fetchFn: server.fetchFn,
      path: '/cards/d-main/add?mode=generate',
      route: '/cards/:deckId/add',
    });
    expect(await screen.findByTestId('generate-quota-exceeded')).toHaveTextContent('осталось 0 из 20');
    expect(submit()).toBeDisabled();
  });
});
