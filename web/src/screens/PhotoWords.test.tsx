import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { card, deck, errorBody, me, page, stubFetch, type RecordedRequest } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { CardAddScreen } from './CardAddScreen';

type Routes = Parameters<typeof stubFetch>[0];

const main = deck();
const reading = {
  text: 'Menú del día\nsopa de ajo · pan · flan',
  words: [
    { word: 'la sopa', translation: 'суп' },
    { word: 'el pan', translation: 'хлеб' },
    { word: 'el flan', translation: 'флан (десерт)' },
  ],
};

function renderPhoto(routes: Routes, meBody = me()) {
  const server = stubFetch({
    'GET /api/me': () => ({ body: meBody }),
    'GET /api/decks/d-main': () => ({ body: main }),
    'GET /api/decks': () => ({ body: page([main]) }),
    ...routes,
  });
  const view = renderScreen(<CardAddScreen />, {
    fetchFn: server.fetchFn,
    path: '/cards/d-main/add?mode=photo',
    route: '/cards/:deckId/add',
  });
  return { server, ...view };
}

const jpeg = (name = 'menu.jpg', bytes = 'jpeg-bytes') => new File([bytes], name, { type: 'image/jpeg' });
const gallery = () => screen.getByTestId('photo-gallery') as HTMLInputElement;
const ocrPosts = (requests: RecordedRequest[]) => requests.filter((r) => r.path === '/api/media/ocr');
const cardPosts = (requests: RecordedRequest[]) => requests.filter((r) => r.method === 'POST' && r.path === '/api/cards');
const wordRow = (word: string) => {
  const row = screen.getByTestId('photo-result').querySelector(`[data-word="${word}"]`);
  if (!row) throw new Error(`no row for ${word}`);
  return row as HTMLElement;
};

let urls = 0;
beforeEach(() => {
  // jsdom has no object URLs; the previews only need distinct ones.
  URL.createObjectURL = vi.fn(() => `blob:preview-${(urls += 1)}`);
  URL.revokeObjectURL = vi.fn();
});
afterEach(() => vi.restoreAllMocks());

describe('CardAddScreen: words from a photo', () => {
  it('reads the picked pictures, and the ticked words become cards in this deck', async () => {
    let created = 0;
    const { server } = renderPhoto({
      'POST /api/media/ocr': () => ({ body: reading }),
      'POST /api/cards': (request) => {
        created += 1;
        const body = request.body as { front: string; back: string };
        return { status: 201, body: card({ id: `c-${created}`, front: body.front, back: body.back }) };
      },
    });
    expect(await screen.findByText(/Сфотографируйте меню/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Слова с фото' })).toHaveAttribute('aria-pressed', 'true');

    await userEvent.upload(gallery(), [jpeg('a.jpg'), jpeg('b.png')]);
    expect(screen.getByRole('img', { name: 'Фото 1' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Фото 2' })).toBeInTheDocument();
    expect(screen.getByTestId('photo-cost')).toHaveTextContent('Осталось сегодня: 50 из 50');

    await userEvent.click(screen.getByRole('button', { name: 'Найти слова' }));
    expect(await screen.findByText(/Menú del día/)).toBeInTheDocument();
    const sent = ocrPosts(server.requests)[0]?.rawBody;
    expect(sent).toBeInstanceOf(FormData);
    expect((sent as FormData).getAll('image')).toHaveLength(2);

    const add = () => screen.getByRole('button', { name: /Добавить|Отметьте/ });
    expect(add()).toBeDisabled();
    await userEvent.click(within(wordRow('la sopa')).getByRole('checkbox'));
    await userEvent.click(within(wordRow('el flan')).getByRole('checkbox'));
    expect(add()).toHaveTextContent('Добавить 2 слова');
    await userEvent.click(add());

    await waitFor(() => expect(screen.getByTestId('photo-added')).toHaveTextContent('Добавлено 2 слова в «Мои слова».'));
    expect(cardPosts(server.requests).map((r) => r.body)).toEqual([
      { deck_id: 'd-main', front: 'la sopa', back: 'суп', source: 'ocr' },
      { deck_id: 'd-main', front: 'el flan', back: 'флан (десерт)', source: 'ocr' },
    ]);
    expect(wordRow('la sopa')).toHaveAttribute('data-state', 'added');
    expect(wordRow('el pan')).toHaveAttribute('data-state', 'idle');
    expect(within(wordRow('la sopa')).getByRole('checkbox')).toBeDisabled();
  });

  it('says what a duplicate and the card limit did, and asks no more once the limit is met', async () => {
    const { server } = renderPhoto({
      'POST /api/media/ocr': () => ({ body: reading }),
      'POST /api/cards': (request) => {
        const front = (request.body as { front: string }).front;
        if (front === 'la sopa') return { status: 409, body: errorBody('DUPLICATE_CARD', 'dup', { existing: card() }) };
        return { status: 402, body: errorBody('LIMIT_REACHED', 'limit', { limit: 'cards', max: 500 }) };
      },
    });
    await userEvent.upload(await screen.findByTestId('photo-gallery'), jpeg());
    await userEvent.click(screen.getByRole('button', { name: 'Найти слова' }));
    for (const word of ['la sopa', 'el pan', 'el flan']) {
      await userEvent.click(within(await screen.findByText(word).then(() => wordRow(word))).getByRole('checkbox'));
    }
    await userEvent.click(screen.getByRole('button', { name: 'Добавить 3 слова' }));
    await waitFor(() => expect(wordRow('el flan')).toHaveAttribute('data-state', 'limit'));
    expect(within(wordRow('la sopa')).getByText('уже в карточках')).toBeInTheDocument();
    expect(within(wordRow('el pan')).getByText('лимит карточек')).toBeInTheDocument();
    expect(cardPosts(server.requests)).toHaveLength(2);
    expect(screen.queryByTestId('photo-added')).not.toBeInTheDocument();
  });

  it('refuses what is not a picture or too much before sending, and words the server’s refusals', async () => {
    const { server } = renderPhoto({
      'POST /api/media/ocr': () => ({ status: 400, body: errorBody('INVALID_FIELD_VALUE', 'x', { reason: 'not_an_image' }) }),
    });
    const input = await screen.findByTestId('photo-gallery');
    await userEvent.upload(input, new File(['%PDF'], 'menu.pdf', { type: 'application/pdf' }), { applyAccept: false });
    expect(screen.getByRole('alert')).toHaveTextContent('Подойдут только фото: JPEG, PNG или WebP.');
    await userEvent.upload(input, [jpeg('1.jpg'), jpeg('2.jpg'), jpeg('3.jpg'), jpeg('4.jpg')]);
    expect(screen.getByRole('alert')).toHaveTextContent('Можно не больше 3 фото за раз.');
    expect(screen.getAllByRole('img')).toHaveLength(3);
    await userEvent.click(screen.getByRole('button', { name: 'Убрать фото 3' }));
    expect(screen.getAllByRole('img')).toHaveLength(2);

    await userEvent.click(screen.getByRole('button', { name: 'Найти слова' }));
    expect(await screen.findByText('Это не похоже на фото: подойдут JPEG, PNG или WebP.')).toBeInTheDocument();
    expect(ocrPosts(server.requests)).toHaveLength(1);
  });

  it('says when the photo has no new words, and starts over for another photo', async () => {
    renderPhoto({ 'POST /api/media/ocr': () => ({ body: { text: 'pan', words: [] } }) });
    await userEvent.upload(await screen.findByTestId('photo-gallery'), jpeg());
    await userEvent.click(screen.getByRole('button', { name: 'Найти слова' }));
    expect(await screen.findByTestId('photo-no-words')).toHaveTextContent('уже есть в ваших карточках');
    await userEvent.click(screen.getByRole('button', { name: 'Другое фото' }));
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.getByTestId('photo-gallery')).toBeInTheDocument();
  });

  it('is offered only where the server has an LLM', async () => {
    renderPhoto({}, me({ features: { llm: false, speech: false } }));
    expect(await screen.findByRole('button', { name: 'Слова с фото' })).toBeDisabled();
    expect(screen.queryByTestId('photo-gallery')).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Слово или фраза *' })).toBeInTheDocument();
  });
});
