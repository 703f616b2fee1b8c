import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { RouterProvider, createMemoryRouter, useLocation } from 'react-router-dom';
import { I18nProvider } from '../i18n/i18n';
import { OutsideTelegramBack, parentPath } from './OutsideTelegramBack';

function Where() {
  return <p data-testid="where">{useLocation().pathname}</p>;
}

function renderAt(entries: string[]) {
  const router = createMemoryRouter(
    [
      {
        path: '*',
        element: (
          <>
            <OutsideTelegramBack />
            <Where />
          </>
        ),
      },
    ],
    { initialEntries: entries, initialIndex: entries.length - 1 },
  );
  render(
    <I18nProvider lang="ru">
      <RouterProvider router={router} />
    </I18nProvider>,
  );
  return router;
}

afterEach(() => window.history.replaceState(null, ''));

describe('the way back outside Telegram', () => {
  it('leads up from a screen opened directly, never out of the app', () => {
    expect(parentPath('/')).toBeNull();
    expect(parentPath('/onboarding/language')).toBeNull();
    expect(parentPath('/onboarding/levels')).toBe('/onboarding/language');
    expect(parentPath('/onboarding/interface')).toBe('/onboarding/goals');
    expect(parentPath('/profile/new/language')).toBe('/profile');
    expect(parentPath('/profile/new/goals')).toBe('/profile/new/levels');
    expect(parentPath('/profile/edit/p1')).toBe('/profile');
    expect(parentPath('/profile')).toBe('/');
    expect(parentPath('/cards')).toBe('/');
    expect(parentPath('/cards/d1')).toBe('/cards');
    expect(parentPath('/cards/d1/add')).toBe('/cards/d1');
    expect(parentPath('/cards/card/c1')).toBe('/cards');
    expect(parentPath('/study')).toBe('/');
    expect(parentPath('/chat')).toBe('/');
  });

  it('is shown on the first step of "add a language" and leads to the profile', async () => {
    renderAt(['/profile/new/language']);
    await userEvent.click(screen.getByTestId('browser-back'));
    expect(screen.getByTestId('where')).toHaveTextContent(/^\/profile$/);
  });

  it('walks the steps back when the wizard was opened directly on a later one, each in place of the last', async () => {
    const router = renderAt(['/profile/new/goals']);
    await userEvent.click(screen.getByTestId('browser-back'));
    expect(screen.getByTestId('where')).toHaveTextContent('/profile/new/levels');
    expect(router.state.historyAction).toBe('REPLACE');
    await userEvent.click(screen.getByTestId('browser-back'));
    await userEvent.click(screen.getByTestId('browser-back'));
    expect(screen.getByTestId('where')).toHaveTextContent(/^\/profile$/);
  });

  it('walks history when there is an in-app page before', async () => {
    // The browser router keeps its index in history.state; one page came before this one.
    window.history.replaceState({ idx: 1 }, '');
    renderAt(['/study', '/cards/d1/add']);
    await userEvent.click(screen.getByTestId('browser-back'));
    expect(screen.getByTestId('where')).toHaveTextContent('/study');
  });

  it('is not shown on Home or on the first onboarding step', () => {
    renderAt(['/']);
    expect(screen.queryByTestId('browser-back')).toBeNull();
  });
});
