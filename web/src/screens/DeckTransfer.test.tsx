import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportReport } from '../api/types';
import { importContentType } from '../components/DeckTransfer';
import { card, deck, errorBody, page, stubFetch } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { DeckScreen } from './DeckScreen';

const travel = deck({ id: 'd-travel', name: 'Путешествия', is_default: false, counts: { new: 1, learning: 0, due: 0, waiting: 0, total: 1 } });
const tsv = 'front\tback\nder Hund\tсобака\ndie Katze\tкошка\ndas Haus\tдом\n\tпусто\n';

function report(dryRun: boolean, extra: Partial<ImportReport> = {}): ImportReport {
  return {
    dry_run: dryRun,
    source: 'csv',
    created: 2,
    duplicates: [{ row: 2, code: 'DUPLICATE_EXISTING', front: 'der Hund', existing_card_id: 'c-1', first_row: null }],
    errors: [{ row: 5, code: 'EMPTY_FRONT', message: 'the front (word) is empty' }],
    preview: [
      { front: 'die Katze', back: 'кошка', lemma: null, example: null },
      { front: 'das Haus', back: 'дом', lemma: null, example: 'Das Haus ist groß.' },
    ],
    header: true,
    needs_mapping: false,
    columns: [
      { index: 0, name: 'front', role: 'front' },
      { index: 1, name: 'back', role: 'back' },
    ],
    sample: [],
    ...extra,
  };
}

function renderDeck(importRoute: Parameters<typeof stubFetch>[0][string]) {
  let imported = false;
  const server = stubFetch({
    'GET /api/decks/d-travel': () => ({
      body: imported ? { ...travel, counts: { ...travel.counts, new: 3, total: 3 } } : travel,
    }),
    'GET /api/cards': () => ({ body: page([card({ front: 'der Hund' })]) }),
    'POST /api/decks/d-travel/import': async (r) => {
      const result = await importRoute(r);
      if (r.query.dry_run === 'false' && (result?.status ?? 200) === 200) imported = true;
      return result;
    },
  });
  renderScreen(<DeckScreen />, { fetchFn: server.fetchFn, path: '/cards/d-travel', route: '/cards/:deckId' });
  return server;
}

async function chooseFile(user: ReturnType<typeof userEvent.setup>, file: File) {
  await screen.findByRole('button', { name: 'Импорт из файла' });
  await user.upload(screen.getByTestId('import-file'), file);
}

describe('deck import', () => {
  it('previews a dry run, then imports on confirmation and refreshes the deck', async () => {
    const server = renderDeck((r) => ({ body: report(r.query.dry_run === 'true') }));
    const user = userEvent.setup();
    await chooseFile(user, new File([tsv], 'words.tsv', { type: 'text/tab-separated-values' }));

    const preview = await screen.findByTestId('import-preview');
    expect(preview).toHaveTextContent('Будет добавлено карточек: 2');
    expect(preview).toHaveTextContent('die Katze');
    expect(preview).toHaveTextContent('Das Haus ist groß.');
    expect(within(preview).getByTestId('import-duplicates')).toHaveTextContent('Уже есть, будут пропущены: 1');
    expect(within(preview).getByTestId('import-duplicates')).toHaveTextContent('Строка 2: der Hund');
    expect(within(preview).getByTestId('import-duplicates')).toHaveTextContent('уже есть в ваших карточках');
    expect(within(preview).getByTestId('import-errors')).toHaveTextContent('Строка 5: нет слова');
    expect(preview).not.toHaveTextContent('the front (word) is empty');
    expect(screen.getByText('Файл: words.tsv')).toBeInTheDocument();

    const dryRun = server.requests.find((r) => r.path === '/api/decks/d-travel/import');
    expect(dryRun?.query).toEqual({ dry_run: 'true' });
    expect(dryRun?.contentType).toBe('text/tab-separated-values');
    expect(dryRun?.body).toBe(tsv);
    expect(dryRun?.authorization).toBe('Bearer access-1');

    const deckLoads = server.requests.filter((r) => r.path === '/api/decks/d-travel').length;
    await user.click(screen.getByRole('button', { name: 'Импортировать карточки: 2' }));
    expect(await screen.findByTestId('import-result')).toHaveTextContent('Импортировано карточек: 2');
    expect(screen.getByTestId('import-result')).toHaveTextContent('Пропущено строк: 2');
    expect(screen.queryByTestId('import-preview')).toBeNull();

    const imports = server.requests.filter((r) => r.path === '/api/decks/d-travel/import');
    expect(imports.map((r) => r.query.dry_run)).toEqual(['true', 'false']);
    expect(imports[1]?.body).toBe(tsv);
    // The deck and its cards are fetched again with the new counts.
    await waitFor(() =>
      expect(server.requests.filter((r) => r.path === '/api/decks/d-travel').length).toBeGreaterThan(deckLoads),
    );
    await waitFor(() => expect(screen.getByTestId('deck-counts')).toHaveTextContent('3 новые'));
  });

  it('shows the plan limit with its maximum and imports nothing', async () => {
    const server = renderDeck(() => ({
      status: 402,
      body: errorBody('LIMIT_REACHED', 'limit', { limit: 'cards', used: 99, max: 100, upgrade: true }),
    }));
    const user = userEvent.setup();
    await chooseFile(user, new File(['front,back\na,б\nc,д\n'], 'words.csv', { type: 'text/csv' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Достигнут лимит тарифа: карточек — не больше 100.');
    expect(screen.queryByTestId('import-preview')).toBeNull();
    expect(server.requests.find((r) => r.path.endsWith('/import'))?.contentType).toBe('text/csv');
  });

  it('refuses a file that is not UTF-8 without sending it', async () => {
    const server = renderDeck(() => ({ body: report(true) }));
    const user = userEvent.setup();
    // "Hund;собака" in Windows-1251.
    const cp1251 = new Uint8Array([0x48, 0x75, 0x6e, 0x64, 0x3b, 0xf1, 0xee, 0xe1, 0xe0, 0xea, 0xe0]);
    await chooseFile(user, new File([cp1251], 'words.csv', { type: 'text/csv' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Файл не в кодировке UTF-8');
    expect(server.requests.some((r) => r.path.endsWith('/import'))).toBe(false);
  });

  it('shows the column picker when the columns are unclear and sends the choice back', async () => {
    const unclear = report(true, {
      needs_mapping: true,
      header: false,
      created: 0,
      errors: [],
      duplicates: [],
      columns: [
        { index: 0, name: null, role: 'front' },
        { index: 1, name: null, role: 'back' },
        { index: 2, name: null, role: 'ignore' },
      ],
      sample: [{ row: 1, cells: ['Hund', 'Substantiv', 'собака'] }],
    });
    const server = renderDeck((r) =>
      r.query.columns
        ? { body: report(r.query.dry_run === 'true', { duplicates: [{ row: 3, code: 'DUPLICATE_IN_FILE', front: 'HUND', existing_card_id: null, first_row: 1 }] }) }
        : { body: unclear },
    );
    const user = userEvent.setup();
    await chooseFile(user, new File(['Hund,Substantiv,собака\n'], 'words.csv', { type: 'text/csv' }));

    const picker = await screen.findByTestId('import-picker');
    expect(picker).toHaveTextContent('Не удалось понять столбцы файла');
    expect(picker).toHaveTextContent('Substantiv');
    expect(screen.queryByRole('button', { name: /Импортировать/ })).toBeNull();
    await user.selectOptions(within(picker).getByRole('combobox', { name: 'Столбец 2' }), 'ignore');
    await user.selectOptions(within(picker).getByRole('combobox', { name: 'Столбец 3' }), 'back');
    await user.click(within(picker).getByRole('checkbox'));
    await user.click(within(picker).getByRole('button', { name: 'Проверить с этими столбцами' }));

    const preview = await screen.findByTestId('import-preview');
    expect(within(preview).getByTestId('import-duplicates')).toHaveTextContent('Строка 3: HUND — повтор строки 1');
    await user.click(screen.getByRole('button', { name: 'Импортировать карточки: 2' }));
    await screen.findByTestId('import-result');
    const sent = server.requests.filter((r) => r.path === '/api/decks/d-travel/import').map((r) => r.query);
    expect(sent).toEqual([
      { dry_run: 'true' },
      { dry_run: 'true', columns: 'front,ignore,back', header: 'true' },
      { dry_run: 'false', columns: 'front,ignore,back', header: 'true' },
    ]);
  });

  it('sends an Anki package as it is and explains a broken one in the interface language', async () => {
    const server = renderDeck(() => ({
      status: 422,
      body: errorBody('VALIDATION_ERROR', 'bad', { file: ['the Anki collection cannot be read'], reason: 'corrupt_package' }),
    }));
    const user = userEvent.setup();
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00]);
    await chooseFile(user, new File([zip], 'deck.apkg', { type: '' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Колоду Anki не удалось прочитать');
    expect(server.requests.find((r) => r.path.endsWith('/import'))?.contentType).toBe('application/zip');
  });

  it('offers the field picker for an Anki package with more than two fields and sends the choice back', async () => {
    const packageReport = (dryRun: boolean, roles: ImportReport['columns'][number]['role'][]) =>
      report(dryRun, {
        source: 'apkg',
        header: false,
        columns: ['Wort', 'Übersetzung', 'Beispiel'].map((name, index) => ({ index, name, role: roles[index] ?? 'ignore' })),
        sample: [{ row: 1, cells: ['der Hund', 'собака', 'Der Hund bellt.'] }],
      });
    const server = renderDeck((r) =>
      r.query.columns
        ? { body: packageReport(r.query.dry_run === 'true', ['back', 'front', 'example']) }
        : { body: packageReport(true, ['front', 'back', 'ignore']) },
    );
    const user = userEvent.setup();
    await chooseFile(user, new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00])], 'deck.apkg', { type: '' }));

    const preview = await screen.findByTestId('import-preview');
    expect(within(preview).getByTestId('import-apkg-fields')).toHaveTextContent(
      'Колода Anki: картинки и звук не переносятся. Слово берётся из поля «Wort», перевод — из поля «Übersetzung».',
    );
    expect(screen.queryByRole('button', { name: 'Изменить столбцы' })).toBeNull();
    await user.click(within(preview).getByRole('button', { name: 'Изменить поля' }));

    const picker = await screen.findByTestId('import-picker');
    expect(picker).toHaveTextContent('Какое поле заметки что содержит?');
    expect(picker).toHaveTextContent('Der Hund bellt.');
    // A package has no header row to tick.
    expect(within(picker).queryByRole('checkbox')).toBeNull();
    await user.selectOptions(within(picker).getByRole('combobox', { name: 'Übersetzung' }), 'front');
    await user.selectOptions(within(picker).getByRole('combobox', { name: 'Wort' }), 'back');
    await user.selectOptions(within(picker).getByRole('combobox', { name: 'Beispiel' }), 'example');
    await user.click(within(picker).getByRole('button', { name: 'Проверить с этими полями' }));

    expect(await screen.findByTestId('import-apkg-fields')).toHaveTextContent(
      'Слово берётся из поля «Übersetzung», перевод — из поля «Wort».',
    );
    await user.click(screen.getByRole('button', { name: 'Импортировать карточки: 2' }));
    await screen.findByTestId('import-result');
    const sent = server.requests.filter((r) => r.path === '/api/decks/d-travel/import');
    expect(sent.map((r) => r.query)).toEqual([
      { dry_run: 'true' },
      { dry_run: 'true', columns: 'back,front,example' },
      { dry_run: 'false', columns: 'back,front,example' },
    ]);
    expect(sent.every((r) => r.contentType === 'application/zip')).toBe(true);
  });

  it('offers no field picker for a two-field Anki package', async () => {
    renderDeck(() => ({ body: report(true, { source: 'apkg', header: false }) }));
    const user = userEvent.setup();
    await chooseFile(user, new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00])], 'deck.apkg', { type: '' }));
    const preview = await screen.findByTestId('import-preview');
    expect(preview).toHaveTextContent('Слово берётся из поля «front», перевод — из поля «back».');
    expect(within(preview).queryByRole('button', { name: /Изменить/ })).toBeNull();
  });

  it('picks the content type from the extension', () => {
    expect(importContentType('deck.apkg')).toBe('application/zip');
    expect(importContentType('a.TSV')).toBe('text/tab-separated-values');
    expect(importContentType('a.csv')).toBe('text/csv');
    expect(importContentType('a.txt')).toBe('text/csv');
  });
});

describe('deck export', () => {
  const { createObjectURL, revokeObjectURL } = URL;
  afterEach(() => {
    vi.restoreAllMocks();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
  });

  it('downloads the CSV through the API client and saves it with a download link', async () => {
    const server = stubFetch({
      'GET /api/decks/d-travel': () => ({ body: travel }),
      'GET /api/cards': () => ({ body: page([card()]) }),
      'GET /api/decks/d-travel/export': () => ({ body: 'front,back' }),
    });
    const objectUrl = vi.fn(() => 'blob:export');
    Object.assign(URL, { createObjectURL: objectUrl, revokeObjectURL: vi.fn() });
    const clicked: { download: string; href: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });
    const user = userEvent.setup();
    renderScreen(<DeckScreen />, { fetchFn: server.fetchFn, path: '/cards/d-travel', route: '/cards/:deckId' });

    await user.click(await screen.findByRole('button', { name: 'Экспорт CSV' }));
    expect(await screen.findByText('Файл готов: Путешествия.csv')).toBeInTheDocument();
    const request = server.requests.find((r) => r.path === '/api/decks/d-travel/export');
    expect(request?.query).toEqual({ format: 'csv' });
    expect(request?.authorization).toBe('Bearer access-1');
    expect(objectUrl).toHaveBeenCalledTimes(1);
    expect(clicked).toEqual([{ download: 'Путешествия.csv', href: 'blob:export' }]);
  });
});
