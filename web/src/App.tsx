import { useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider, createBrowserRouter } from 'react-router-dom';
import type { ApiClient } from './api/client';
import type { InterfaceLanguage } from './api/types';
import { AppShell } from './AppShell';
import { SessionProvider } from './session/SessionProvider';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // The API client already retries auth failures; other errors show a retry button.
        retry: 1,
        refetchOnWindowFocus: false,
      },
    },
  });
}

export function App({ client, initialLanguage }: { client: ApiClient; initialLanguage: InterfaceLanguage }) {
  const [queryClient] = useState(createQueryClient);
  // A data router, because the study session blocks leaving mid-session (useBlocker);
  // the screens themselves are still declared with <Routes> in AppRoutes.
  const [router] = useState(() =>
    createBrowserRouter([{ path: '*', element: <AppShell initialLanguage={initialLanguage} /> }]),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider client={client}>
        <RouterProvider router={router} />
      </SessionProvider>
    </QueryClientProvider>
  );
}
