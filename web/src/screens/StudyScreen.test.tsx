import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Card, ReviewRequest } from '../api/types';
import { deckMaterial } from '../groups/testData';
import { card, errorBody, page, reviewResult, stubFetch, studyQueue, type RecordedRequest } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { StudyScreen } from './StudyScreen';

const dog = card({ id: 'dog', front: 'dog', back: 'собака', example: 'The dog sleeps.', example_translation: 'Собака спит.' });
const cat = card({ id: 'cat', front: 'cat', back: 'кошка', transcription: 'kæt' });
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
// The 1-minute learning step of a lapse: the card comes back later in the session.
const oneMinute = () => new Date(Date.now() + 60_000).toISOString();

const reviews = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.path === '/api/study/review').map((r) => r.body as ReviewRequest);

function renderStudy(routes: Parameters<typeof stubFetch>[0], path = '/study') {
  const server = stubFetch({ 'GET /api/decks/d-main': () => ({ status: 404 }), ...routes });
  renderScreen(<StudyScreen />, { fetchFn: server.fetchFn, path, route: '/study' });
  return server;
}

/** The queue the server would answer: each call takes the next list. */
function queues(...lists: Card[][]) {
  let call = 0;
  return () => ({ body: studyQueue(lists[Math.min(call++, lists.length - 1)] ?? []) });
}

describe('StudyScreen', () => {
  it('runs a session: flip, rate with intervals, re-queue a lapse, summary', async () => {
    const server = renderStudy({
      'GET /api/study/queue': queues([dog, cat], [dog], []),
      'POST /api/study/review': (r) => {
        const { card_id, rating } = r.body as ReviewRequest;
        return {
          body: rating === 1 ? reviewResult(card_id, 'learning', oneMinute()) : reviewResult(card_id, 'review', inDays(3)),
        };
      },
    });
    const user = userEvent.setup();

    expect(await screen.findByTestId('card-front')).toHaveTextContent('dog');
    expect(screen.getByTestId('left')).toHaveTextContent('Осталось: 2');
    expect(screen.queryByTestId('card-back')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Показать ответ' }));
    expect(screen.getByTestId('card-back')).toHaveTextContent('собака');
    expect(screen.getByTestId('card-back')).toHaveTextContent('Собака спит.');
    const again = screen.getByRole('button', { name: /Не знаю/ });
    expect(again).toHaveTextContent('1 мин');
    expect(screen.getByRole('button', { name: /Трудно/ })).toHaveTextContent('6 мин');
    expect(screen.getByRole('button', { name: /Знаю/ })).toHaveTextContent('10 мин');
    expect(screen.queryByRole('button', { name: /Легко/ })).toBeNull();
    await user.click(again);

    expect(await screen.findByTestId('card-front')).toHaveTextContent('cat');
    expect(screen.getByTestId('left')).toHaveTextContent('Осталось: 2');
    await user.click(screen.getByTestId('flashcard'));
    expect(screen.getByTestId('card-back')).toHaveTextContent('[kæt]');
    await user.click(screen.getByRole('button', { name: /^10 мин\s*Знаю$/ }));

    // The list ran out; the server (stubbed as a minute later) gives the lapsed card back.
    await waitFor(() => expect(screen.getByTestId('card-front')).toHaveTextContent('dog'));
    expect(screen.getByTestId('left')).toHaveTextContent('Осталось: 1');
    await user.click(screen.getByRole('button', { name: 'Показать ответ' }));
    await user.click(screen.getByRole('button', { name: /Знаю$/ }));

    const summary = await screen.findByTestId('study-summary');
    expect(within(summary).getByTestId('summary-reviewed')).toHaveTextContent('3');
    expect(within(summary).getByTestId('summary-accuracy')).toHaveTextContent('67%');
    expect(within(summary).getByTestId('summary-next')).toHaveTextContent('Следующее повторение');

    const sent = reviews(server.requests);
    expect(sent.map((r) => [r.card_id, r.rating])).toEqual([
      ['dog', 1],
      ['cat', 3],
      ['dog', 3],
    ]);
    const ids = sent.map((r) => r.client_review_id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.requests.filter((r) => r.path === '/api/study/queue')).toHaveLength(3);
  });

  it('studies one deck with ?deck= and offers 4 buttons when the user chose them', async () => {
    const server = renderStudy(
      { 'GET /api/study/queue': () => ({ body: studyQueue([dog], { rating_buttons: 4 }) }) },
      '/study?deck=d-main',
    );
    const user = userEvent.setup();
    await screen.findByTestId('card-front');
    expect(server.requests.find((r) => r.path === '/api/study/queue')?.query).toEqual({ deck_id: 'd-main' });
    await user.click(screen.getByRole('button', { name: 'Показать ответ' }));
    expect(screen.getByRole('button', { name: /Легко/ })).toHaveTextContent('3 д');
  });

  it('undo returns to the previous card face up', async () => {
    const server = renderStudy({
      'GET /api/study/queue': queues([dog, cat]),
      'POST /api/study/review': (r) => ({ body: reviewResult((r.body as ReviewRequest).card_id, 'review', inDays(2)) }),
      'POST /api/study/undo': () => ({ body: { card_id: 'dog', progress: null } }),
    });
    const user = userEvent.setup();
    await screen.findByTestId('card-front');
    const undo = screen.getByRole('button', { name: /Отменить ответ/ });
    expect(undo).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Показать ответ' }));
    await user.click(screen.getByRole('button', { name: /Знаю$/ }));
    await waitFor(() => expect(screen.getByTestId('card-front')).toHaveTextContent('cat'));

    await user.click(screen.getByRole('button', { name: /Отменить ответ/ }));
    await waitFor(() => expect(screen.getByTestId('card-front')).toHaveTextContent('dog'));
    expect(screen.getByTestId('card-back')).toHaveTextContent('собака');
    expect(screen.getByRole('button', { name: /Не знаю/ })).toBeEnabled();
    expect(screen.getByTestId('left')).toHaveTextContent('Осталось: 2');
    expect(server.requests.filter((r) => r.path === '/api/study/undo')).toHaveLength(1);
  });

  it('works from the keyboard: space flips, digits rate', async () => {
    const server = renderStudy({
      'GET /api/study/queue': queues([dog, cat]),
      'POST /api/study/review': (r) => ({ body: reviewResult((r.body as ReviewRequest).card_id, 'review', inDays(2)) }),
    });
    const user = userEvent.setup();
    await screen.findByTestId('card-front');
    await user.keyboard(' ');
    expect(screen.getByTestId('card-back')).toBeInTheDocument();
    await user.keyboard('4'); // no Easy with three buttons
    expect(reviews(server.requests)).toHaveLength(0);
    await user.keyboard('2');
    await waitFor(() => expect(screen.getByTestId('card-front')).toHaveTextContent('cat'));
    expect(reviews(server.requests)[0]).toMatchObject({ card_id: 'dog', rating: 2 });
  });

  it('resends a failed answer under the same client_review_id', async () => {
    let attempts = 0;
    const server = renderStudy({
      'GET /api/study/queue': queues([dog], []),
      'POST /api/study/review': (r) =>
        ++attempts === 1
          ? { status: 503, body: errorBody('UNAVAILABLE', 'try later') }
          : { body: reviewResult((r.body as ReviewRequest).card_id, 'review', inDays(2)) },
    });
    const user = userEvent.setup();
    await screen.findByTestId('card-front');
    await user.click(screen.getByRole('button', { name: 'Показать ответ' }));
    await user.click(screen.getByRole('button', { name: /Знаю$/ }));
    expect(await screen.findByText('Ответ не сохранился.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Знаю$/ })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Отправить ещё раз' }));
    await screen.findByTestId('study-summary');
    const [first, second] = reviews(server.requests);
    expect(second?.client_review_id).toBe(first?.client_review_id);
  });

  it('offers to add cards when nothing is due', async () => {
    renderStudy({ 'GET /api/study/queue': queues([]) });
    expect(await screen.findByText('На сегодня карточек нет.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Добавить карточки' })).toHaveAttribute('href', '/cards');
  });

  it('studies a deck shared with a group: its name from the materials, and back to the group when done', async () => {
    const server = renderStudy(
      {
        'GET /api/study/queue': queues([]),
        'GET /api/groups/g-1/materials': () => ({ body: page([deckMaterial()]) }),
      },
      '/study?deck=d-shared&group=g-1',
    );
    expect(await screen.findByText('Колода: Глаголы')).toBeInTheDocument();
    expect(await screen.findByText('На сегодня карточек нет.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Открыть группу' })).toHaveAttribute('href', '/groups/g-1');
    expect(screen.queryByRole('link', { name: 'Добавить карточки' })).toBeNull();
    expect(server.requests.some((r) => r.path === '/api/decks/d-shared')).toBe(false);
    expect(server.requests.find((r) => r.path === '/api/study/queue')?.query.deck_id).toBe('d-shared');
  });

  it('shows a load error with retry', async () => {
    let fail = true;
    renderStudy({
      'GET /api/study/queue': () => (fail ? { status: 500, body: errorBody('INTERNAL', 'boom') } : { body: studyQueue([dog]) }),
    });
    const user = userEvent.setup();
    // A sentence in the interface language rather than the server's own message.
    expect(await screen.findByText('На сервере произошла ошибка. Попробуйте ещё раз чуть позже.')).toBeInTheDocument();
    expect(screen.queryByText('boom')).toBeNull();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByTestId('card-front')).toHaveTextContent('dog');
  });
});
