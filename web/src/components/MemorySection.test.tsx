import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Memory } from '../api/types';
import { errorBody, stubFetch } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { MemorySection, fitGain } from './MemorySection';

const DEFAULTS = [0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542];

function forecast(today: number): Memory['forecast'] {
  return Array.from({ length: 30 }, (_, i) => ({
    date: `2026-12-${String(i + 1).padStart(2, '0')}`,
    reviews: i === 0 ? today : i % 3,
  }));
}

function memory(overrides: Partial<Memory> = {}): Memory {
  return {
    review_count: 340,
    parameters_source: 'default',
    parameters: DEFAULTS,
    personal_since: null,
    last_fit: null,
    next_fit_at_reviews: 1000,
    desired_retention: 0.9,
    true_retention: null,
    retention_reviews: 0,
    forecast: forecast(12),
    ...overrides,
  };
}

const adopted: Memory = memory({
  review_count: 5400,
  parameters_source: 'personal',
  parameters: DEFAULTS.map((w) => w * 0.9),
  personal_since: '2026-11-20T03:00:00Z',
  last_fit: {
    at: '2026-11-20T03:00:00Z',
    outcome: 'adopted',
    review_count: 5200,
    held_out: 900,
    log_loss_before: 0.4711,
    log_loss_after: 0.4541,
    rmse_before: 0.0967,
    rmse_after: 0.0762,
  },
  next_fit_at_reviews: 6200,
  true_retention: 0.873,
  retention_reviews: 412,
});

function renderSection(routes: Parameters<typeof stubFetch>[0], lang: 'ru' | 'en' = 'ru') {
  const server = stubFetch(routes);
  renderScreen(<MemorySection profileId="p-en" lang={lang} />, { fetchFn: server.fetchFn, lang });
  return server;
}

describe('MemorySection', () => {
  it('says the defaults are in use and when the first fit comes, with the workload ahead', async () => {
    renderSection({ 'GET /api/profiles/p-en/memory': () => ({ body: memory() }) });
    expect(await screen.findByText(/по стандартным параметрам FSRS/)).toHaveTextContent(
      'после 1000 повторений (сейчас 340)',
    );
    expect(screen.getByTestId('memory-retention')).toHaveTextContent('когда будут повторения через день и больше');
    const total = 12 + forecast(0).reduce((sum, d) => sum + d.reviews, 0);
    expect(screen.getByText(`Повторения на 30 дней вперёд: ${total}`)).toBeInTheDocument();
    expect(screen.getByText('Сегодня: 12')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Вернуть стандартные параметры' })).not.toBeInTheDocument();
  });

  it('shows personal parameters, what the fit gained and the retention reached, and resets them', async () => {
    const server = renderSection({
      'GET /api/profiles/p-en/memory': () => ({ body: adopted }),
      'DELETE /api/profiles/p-en/memory/parameters': () => ({
        body: { ...adopted, parameters_source: 'default', parameters: DEFAULTS, personal_since: null },
      }),
    });
    expect(await screen.findByText(/по вашим личным параметрам FSRS с 20 ноября 2026/)).toBeInTheDocument();
    expect(screen.getByTestId('memory-fit')).toHaveTextContent('по 5200 повторениям предсказывает ваши ответы точнее стандартного на 4%');
    expect(screen.getByTestId('memory-retention')).toHaveTextContent('вспомнили 87% карточек при цели 90% (412 повторений)');

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Вернуть стандартные параметры' }));
    const dialog = screen.getByRole('alertdialog');
    await user.click(within(dialog).getByRole('button', { name: 'Вернуть' }));
    await waitFor(() => expect(screen.getByText(/по стандартным параметрам FSRS/)).toBeInTheDocument());
    expect(server.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/api/profiles/p-en/memory/parameters',
    ]);
    // The fit stays on record.
    expect(screen.getByTestId('memory-fit')).toBeInTheDocument();
  });

  it('explains a rejected fit, in English too', async () => {
    renderSection(
      {
        'GET /api/profiles/p-en/memory': () => ({
          body: memory({ last_fit: { ...adopted.last_fit!, outcome: 'rejected', log_loss_after: 0.48 } }),
        }),
      },
      'en',
    );
    expect(await screen.findByTestId('memory-fit')).toHaveTextContent(
      'The fit of November 20, 2026 on 5200 reviews was no better, so the parameters stayed as they were.',
    );
  });

  it('shows the error when the model cannot be read', async () => {
    renderSection({ 'GET /api/profiles/p-en/memory': () => ({ status: 404, body: errorBody('PROFILE_NOT_FOUND') }) });
    // After the query client's one retry.
    expect(await screen.findByRole('alert', {}, { timeout: 4000 })).toHaveTextContent(/.+/);
  });

  it('computes the gain from the log loss, and none without figures', () => {
    expect(fitGain(adopted.last_fit!)).toBe(4);
    expect(fitGain({ ...adopted.last_fit!, outcome: 'failed', log_loss_before: null, log_loss_after: null })).toBeNull();
  });
});
