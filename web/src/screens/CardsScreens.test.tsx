import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { card, deck, errorBody, page, stubFetch } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { CardAddScreen } from './CardAddScreen';
import { CardEditScreen } from './CardEditScreen';
import { DeckScreen } from './DeckScreen';
import { DecksScreen } from './DecksScreen';

const main = deck({ counts: { new: 3, learning: 1, due: 2, waiting: 0, total: 10 } });
const travel = deck({ id: 'd-travel', name: 'Путешествия', is_default: false, counts: { new: 0, learning: 0, due: 0, waiting: 0, total: 4 } });

describe('DecksScreen', () => {
  it('lists decks with today’s counts and a study link', async () => {
    const server = stubFetch({
      'GET /api/decks': () => ({ body: page([main, travel]) }),
      // The profile-wide total comes from the server, not from adding up the decks.
      'GET /api/study/queue': () => ({
        body: { cards: [], counts: { new: 2, learning: 1, due: 2 }, day: { date: '2026-11-27', ends_at: '2026-11-28T01:00:00Z' }, rating_buttons: 3 },
      }),
    });
    renderScreen(<DecksScreen />, { fetchFn: server.fetchFn, path: '/cards' });

    const row = (await screen.findByText('Мои слова')).closest('li');
    expect(row).not.toBeNull();
    const counts = within(row as HTMLElement).getByTestId('deck-counts');
    expect(counts).toHaveTextContent('3 новые');
    expect(counts).toHaveTextContent('1 изучается');
    expect(counts).toHaveTextContent('2 к повторению');
    expect(within(row as HTMLElement).getByRole('link', { name: 'Учить · 6' })).toHaveAttribute('href', '/study?deck=d-main');
    expect(await screen.findByRole('link', { name: 'Учить все колоды · 5' })).toHaveAttribute('href', '/study');
  });

  it('validates a new deck and shows a name conflict', async () => {
    const server = stubFetch({
      'GET /api/decks': () => ({ body: page([main]) }),
      'POST /api/decks': () => ({ status: 409, body: errorBody('CONFLICT', 'conflict', { field: 'name' }) }),
    });
    const user = userEvent.setup();
    renderScreen(<DecksScreen />, { fetchFn: server.fetchFn, path: '/cards' });
    await user.click(await screen.findByRole('button', { name: '+ Новая колода' }));
    await user.click(screen.getByRole('button', { name: 'Создать колоду' }));
    expect(screen.getByText('Введите название: от 1 до 100 символов.')).toBeInTheDocument();
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false);

    await user.type(screen.getByRole('textbox', { name: 'Название *' }), 'мои слова');
    await user.click(screen.getByRole('button', { name: 'Создать колоду' }));
    expect(await screen.findByText('Колода с таким названием уже есть.')).toBeInTheDocument();
    expect(server.requests.find((r) => r.method === 'POST')?.body).toEqual({ name: 'мои слова' });
  });
});

describe('CardAddScreen', () => {
  function renderAdd(create: Parameters<typeof stubFetch>[0][string]) {
    const server = stubFetch({
      'GET /api/decks/d-main': () => ({ body: main }),
      'GET /api/decks': () => ({ body: page([main, travel]) }),
      'POST /api/cards': create,
    });
    renderScreen(<CardAddScreen />, { fetchFn: server.fetchFn, path: '/cards/d-main/add', route: '/cards/:deckId/add' });
    return server;
  }

  it('requires front and back, then posts the card and clears the form', async () => {
    const server = renderAdd((r) => ({ status: 201, body: card({ ...(r.body as object) }) }));
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'Новая карточка' });
    await user.click(screen.getByRole('button', { name: 'Добавить' }));
    expect(screen.getByText('Введите слово или фразу: от 1 до 500 символов.')).toBeInTheDocument();
    expect(screen.getByText('Введите перевод: от 1 до 1000 символов.')).toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: 'Слово или фраза *' }), 'der Hund');
    await user.type(screen.getByRole('textbox', { name: 'Перевод *' }), 'собака');
    await user.click(screen.getByText('Подробнее: грамматика, пример, заметки'));
    await user.type(screen.getByRole('textbox', { name: 'Род или артикль' }), 'der');
    await user.click(screen.getByRole('button', { name: '+ Добавить форму' }));
    await user.type(screen.getByRole('textbox', { name: 'Название формы 1' }), 'plural');
    await user.type(screen.getByRole('textbox', { name: 'Форма 1' }), 'Hunde');
    await user.click(screen.getByRole('button', { name: 'Добавить' }));

    expect(await screen.findByText('Добавлено: der Hund')).toBeInTheDocument();
    expect(server.requests.find((r) => r.method === 'POST')?.body).toEqual({
      deck_id: 'd-main',
      front: 'der Hund',
      back: 'собака',
      gender: 'der',
      forms: { plural: 'Hunde' },
    });
    expect(screen.getByRole('textbox', { name: 'Слово или фраза *' })).toHaveValue('');
  });

  it('names the deck of a duplicate (409 DUPLICATE_CARD) and links to it', async () => {
    const existing = card({ id: 'c-old', deck_id: 'd-travel', front: 'Hund', back: 'пёс' });
    renderAdd(() => ({ status: 409, body: errorBody('DUPLICATE_CARD', 'dup', { existing }) }));
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Слово или фраза *' }), 'hund');
    await user.type(screen.getByRole('textbox', { name: 'Перевод *' }), 'собака');
    await user.click(screen.getByRole('button', { name: 'Добавить' }));

    const notice = await screen.findByTestId('duplicate-card');
    await waitFor(() => expect(notice).toHaveTextContent('Эта карточка уже есть в колоде «Путешествия»'));
    expect(notice).toHaveTextContent('Hund — пёс');
    expect(within(notice).getByRole('link', { name: 'Открыть карточку' })).toHaveAttribute('href', '/cards/card/c-old');
  });

  it('shows the plan limit (402 LIMIT_REACHED)', async () => {
    renderAdd(() => ({
      status: 402,
      body: errorBody('LIMIT_REACHED', 'limit', { limit: 'cards', used: 200, max: 200, upgrade: true }),
    }));
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Слово или фраза *' }), 'cat');
    await user.type(screen.getByRole('textbox', { name: 'Перевод *' }), 'кошка');
    await user.click(screen.getByRole('button', { name: 'Добавить' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Достигнут лимит тарифа: карточек — не больше 200.');
  });
});

describe('DeckScreen', () => {
  it('searches on the server after typing stops and filters by state', async () => {
    const server = stubFetch({
      'GET /api/decks/d-travel': () => ({ body: travel }),
      'GET /api/cards': (r) => ({
        body: page(r.query.search === 'hu' ? [card({ front: 'Hund' })] : [card({ front: 'Hund' }), card({ id: 'c-2', front: 'Katze' })]),
      }),
    });
    const user = userEvent.setup();
    renderScreen(<DeckScreen />, { fetchFn: server.fetchFn, path: '/cards/d-travel', route: '/cards/:deckId' });
    expect(await screen.findByText('Katze')).toBeInTheDocument();
    await user.type(screen.getByRole('searchbox', { name: 'Найти карточку' }), 'hu');
    await waitFor(() => expect(screen.queryByText('Katze')).toBeNull());
    const searches = server.requests.filter((r) => r.path === '/api/cards').map((r) => r.query.search);
    // One request for the settled text, none for the intermediate "h".
    expect(searches).toEqual([undefined, 'hu']);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Состояние' }), 'review');
    await waitFor(() => expect(server.requests.at(-1)?.query).toMatchObject({ deck_id: 'd-travel', state: 'review', search: 'hu' }));
  });

  it('offers to add a card in an empty deck', async () => {
    const empty = deck({ id: 'd-empty', name: 'Пустая', is_default: false });
    const server = stubFetch({
      'GET /api/decks/d-empty': () => ({ body: empty }),
      'GET /api/cards': () => ({ body: page([]) }),
    });
    renderScreen(<DeckScreen />, { fetchFn: server.fetchFn, path: '/cards/d-empty', route: '/cards/:deckId' });
    expect(await screen.findByText('В колоде пока нет карточек.')).toBeInTheDocument();
    expect(screen.getByTestId('add-card')).toHaveAttribute('href', '/cards/d-empty/add');
  });

  it('states how many cards go with a deleted deck and confirms on the server', async () => {
    const server = stubFetch({
      'GET /api/decks/d-travel': () => ({ body: travel }),
      'GET /api/cards': () => ({ body: page([card()]) }),
      'DELETE /api/decks/d-travel': () => ({ status: 204 }),
    });
    const user = userEvent.setup();
    renderScreen(<DeckScreen />, { fetchFn: server.fetchFn, path: '/cards/d-travel', route: '/cards/:deckId' });
    await user.click(await screen.findByRole('button', { name: 'Удалить колоду' }));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('Вместе с ней удалятся карточки: 4.');
    await user.click(screen.getByRole('button', { name: 'Да, удалить' }));
    expect(await screen.findByText('elsewhere')).toBeInTheDocument();
    expect(server.requests.find((r) => r.method === 'DELETE')?.query).toEqual({ confirm: 'true' });
  });

  it('hides archive and delete for the default deck', async () => {
    const server = stubFetch({
      'GET /api/decks/d-main': () => ({ body: main }),
      'GET /api/cards': () => ({ body: page([card()]) }),
    });
    renderScreen(<DeckScreen />, { fetchFn: server.fetchFn, path: '/cards/d-main', route: '/cards/:deckId' });
    expect(await screen.findByText(/Это основная колода/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Удалить колоду' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'В архив' })).toBeNull();
  });
});

describe('CardEditScreen', () => {
  it('saves edited fields, moves the card and deletes it after confirmation', async () => {
    let current = card({ id: 'c-1', front: 'der Hund', back: 'собака', forms: { plural: 'Hunde' } });
    const server = stubFetch({
      'GET /api/cards/c-1': () => ({ body: current }),
      'GET /api/decks': () => ({ body: page([main, travel]) }),
      'PATCH /api/cards/c-1': (r) => {
        current = { ...current, ...(r.body as object) };
        return { body: current };
      },
      'POST /api/cards/c-1/move': () => {
        current = { ...current, deck_id: 'd-travel' };
        return { body: current };
      },
      'DELETE /api/cards/c-1': () => ({ status: 204 }),
    });
    const user = userEvent.setup();
    renderScreen(<CardEditScreen />, { fetchFn: server.fetchFn, path: '/cards/card/c-1', route: '/cards/card/:cardId' });

    const notes = await screen.findByRole('textbox', { name: 'Заметки' });
    await user.type(notes, 'часто в парке');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('Сохранено')).toBeInTheDocument();
    expect(server.requests.find((r) => r.method === 'PATCH')?.body).toMatchObject({
      front: 'der Hund',
      back: 'собака',
      forms: { plural: 'Hunde' },
      notes: 'часто в парке',
    });

    await user.click(screen.getByRole('button', { name: 'Перенести' }));
    expect(await screen.findByText('Карточка перенесена в «Путешествия».')).toBeInTheDocument();
    expect(server.requests.find((r) => r.path === '/api/cards/c-1/move')?.body).toEqual({ deck_id: 'd-travel' });

    await user.click(screen.getByRole('button', { name: 'Удалить карточку' }));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('Удалить карточку «der Hund»');
    await user.click(screen.getByRole('button', { name: 'Да, удалить' }));
    expect(await screen.findByText('elsewhere')).toBeInTheDocument();
  });
});
