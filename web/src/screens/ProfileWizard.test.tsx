import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { errorBody, stubFetch, profile } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { ProfileWizard } from './ProfileWizard';
import { emptyDraft, stepProblem } from './wizardSteps';

describe('wizard step validation', () => {
  it('requires a language, target >= current and at least one goal', () => {
    const draft = emptyDraft('ru');
    expect(stepProblem('language', draft)).toBe('wizard.missingLanguage');
    expect(stepProblem('language', { ...draft, language: 'en' })).toBeNull();
    expect(stepProblem('levels', { ...draft, current_level: 'B2', target_level: 'B1' })).toBe(
      'wizard.levels.targetBelow',
    );
    expect(stepProblem('levels', { ...draft, current_level: 'B2', target_level: 'B2' })).toBeNull();
    expect(stepProblem('goals', draft)).toBe('wizard.goals.required');
    expect(stepProblem('goals', { ...draft, goals: ['work'] })).toBeNull();
  });
});

function renderWizard(routes: Parameters<typeof stubFetch>[0], path = '/profile/new/language') {
  const server = stubFetch(routes);
  renderScreen(<ProfileWizard mode="add" />, {
    fetchFn: server.fetchFn,
    path,
    route: '/profile/new/:step',
  });
  return server;
}

describe('ProfileWizard', () => {
  // The wizard keeps its draft in sessionStorage across reloads.
  beforeEach(() => sessionStorage.clear());

  it('walks the four steps and creates the profile', async () => {
    const user = userEvent.setup();
    const server = renderWizard({
      'GET /api/profiles': () => ({ body: [profile()] }),
      'POST /api/profiles': () => ({ status: 201, body: profile({ id: 'p-de', language: 'de' }) }),
    });

    // English is already learned, so it cannot be picked again.
    const english = await screen.findAllByRole('button', { name: /Английский/ });
    expect(english[0]).toBeDisabled();
    await user.click(screen.getAllByRole('button', { name: 'Немецкий' })[0]!);
    await user.click(screen.getByRole('button', { name: 'Далее' }));

    // Levels: a target below the current level is not selectable.
    const current = await screen.findByRole('group', { name: 'Сейчас' });
    await user.click(within(current).getByRole('radio', { name: /^B2/ }));
    const target = screen.getByRole('group', { name: 'Цель' });
    expect(within(target).getByRole('radio', { name: 'A2' })).toBeDisabled();
    expect(within(target).getByRole('radio', { name: 'B2' })).toBeChecked();
    await user.click(within(target).getByRole('radio', { name: 'C1' }));
    await user.click(screen.getByRole('button', { name: 'Далее' }));

    // Goals: at least one is needed, which is said once the learner tries to go on.
    expect(screen.queryByText('Выберите хотя бы одну цель.')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Далее' }));
    expect(await screen.findByText('Выберите хотя бы одну цель.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Работа' }));
    await user.click(screen.getByRole('button', { name: 'Экзамены' }));
    await user.click(screen.getByRole('button', { name: 'Далее' }));

    await user.click(screen.getByRole('radio', { name: 'English' }));
    await user.click(screen.getByRole('button', { name: 'Добавить язык' }));

    await waitFor(() => expect(server.requests.some((r) => r.method === 'POST' && r.path === '/api/profiles')).toBe(true));
    expect(server.requests.find((r) => r.path === '/api/profiles' && r.method === 'POST')?.body).toEqual({
      language: 'de',
      current_level: 'B2',
      target_level: 'C1',
      goals: ['work', 'exams'],
      interface_language: 'en',
    });
  });

  it('shows the plan limit from a 402 LIMIT_REACHED', async () => {
    const user = userEvent.setup();
    renderWizard({
      'GET /api/profiles': () => ({ body: [profile()] }),
      'POST /api/profiles': () => ({
        status: 402,
        body: errorBody('LIMIT_REACHED', 'Profile limit reached', {
          limit: 'profiles',
          used: 1,
          max: 1,
          upgrade: true,
        }),
      }),
    });
    await user.click((await screen.findAllByRole('button', { name: 'Немецкий' }))[0]!);
    await user.click(screen.getByRole('button', { name: 'Далее' }));
    await user.click(screen.getByRole('button', { name: 'Далее' }));
    await user.click(screen.getByRole('button', { name: 'Путешествия' }));
    await user.click(screen.getByRole('button', { name: 'Далее' }));
    await user.click(screen.getByRole('button', { name: 'Добавить язык' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Достигнут лимит тарифа: языков — не больше 1.');
    expect(alert).toHaveTextContent('С Premium доступно до 10 языков.');
  });

  it('shows 409 DUPLICATE_LANGUAGE', async () => {
    const user = userEvent.setup();
    renderWizard({
      'GET /api/profiles': () => ({ body: [] }),
      'POST /api/profiles': () => ({ status: 409, body: errorBody('DUPLICATE_LANGUAGE') }),
    });
    await user.click((await screen.findAllByRole('button', { name: 'Французский' }))[0]!);
    await user.click(screen.getByRole('button', { name: 'Далее' }));
    await user.click(screen.getByRole('button', { name: 'Далее' }));
    await user.click(screen.getByRole('button', { name: 'Хобби' }));
    await user.click(screen.getByRole('button', { name: 'Далее' }));
    await user.click(screen.getByRole('button', { name: 'Добавить язык' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Этот язык уже есть в ваших профилях.');
  });

  it('keeps the answers across a reload', async () => {
    const user = userEvent.setup();
    renderWizard({ 'GET /api/profiles': () => ({ body: [] }) });
    await user.click((await screen.findAllByRole('button', { name: 'Немецкий' }))[0]!);
    await user.click(screen.getByRole('button', { name: 'Далее' }));
    await screen.findByRole('group', { name: 'Сейчас' });
    cleanup();
    // A new page load: a fresh sign-in, the wizard's draft still in sessionStorage.
    const draft = sessionStorage.getItem('la_wizard_draft:add');
    expect(draft).toContain('"de"');
    sessionStorage.clear();
    sessionStorage.setItem('la_wizard_draft:add', draft ?? '');
    renderWizard({ 'GET /api/profiles': () => ({ body: [] }) }, '/profile/new/goals');
    // The language step is complete, so the reload stays past it.
    expect(await screen.findByRole('button', { name: 'Путешествия' })).toBeInTheDocument();
  });
});
