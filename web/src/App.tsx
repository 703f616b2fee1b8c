import { useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router-dom';
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
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider client={client}>
        <BrowserRouter>
          <AppShell initialLanguage={initialLanguage} />
        </BrowserRouter>
      </SessionProvider>
    </QueryClientProvider>
  );
}
