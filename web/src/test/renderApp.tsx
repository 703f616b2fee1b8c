import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { RouterProvider, createMemoryRouter } from 'react-router-dom';
import { createQueryClient } from '../App';
import { ApiClient } from '../api/client';
import type { InterfaceLanguage } from '../api/types';
import { I18nProvider } from '../i18n/i18n';
import { SessionProvider } from '../session/SessionProvider';
import { sessionStore } from '../telegram/refreshTokenStore';
import { session } from './apiStub';

/** Renders a screen with the real client, query cache and router, over a stubbed fetch. */
export function renderScreen(
  element: ReactElement,
  options: { fetchFn: typeof fetch; path?: string; route?: string; lang?: InterfaceLanguage },
) {
  const client = new ApiClient({
    store: sessionStore(window.sessionStorage),
    signIn: async () => session(),
    fetchFn: options.fetchFn,
  });
  const path = options.path ?? '/';
  // A data router as in the app, so screens using useBlocker work.
  const router = createMemoryRouter(
    [
      { path: (options.route ?? path).split('?')[0], element },
      { path: '*', element: <p>elsewhere</p> },
    ],
    { initialEntries: [path] },
  );
  const queryClient = createQueryClient();
  const result = render(
    <QueryClientProvider client={queryClient}>
      <SessionProvider client={client}>
        <I18nProvider lang={options.lang ?? 'ru'}>
          <RouterProvider router={router} />
        </I18nProvider>
      </SessionProvider>
    </QueryClientProvider>,
  );
  return { ...result, router, queryClient };
}
