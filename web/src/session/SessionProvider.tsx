import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ApiClient } from '../api/client';
import { SignInUnavailableError } from '../api/auth';
import type { Session } from '../api/types';

type SessionState =
  | { status: 'loading' }
  | { status: 'ready'; session: Session }
  | { status: 'unavailable' }
  | { status: 'error'; error: unknown };

interface SessionValue {
  client: ApiClient;
  state: SessionState;
  retry: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

// One start per client even if React mounts the provider twice (StrictMode), because a
// refresh token is spent on use and a second refresh with it would revoke the session.
const starts = new WeakMap<ApiClient, Promise<Session>>();

function startOnce(client: ApiClient): Promise<Session> {
  let started = starts.get(client);
  if (!started) {
    started = client.start();
    starts.set(client, started);
    started.catch(() => starts.delete(client));
  }
  return started;
}

export function SessionProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let alive = true;
    setState({ status: 'loading' });
    startOnce(client).then(
      (session) => alive && setState({ status: 'ready', session }),
      (error: unknown) => {
        if (!alive) return;
        if (error instanceof SignInUnavailableError) setState({ status: 'unavailable' });
        else setState({ status: 'error', error });
      },
    );
    return () => {
      alive = false;
    };
  }, [client, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return (
    <SessionContext.Provider value={{ client, state, retry }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export function useApi(): ApiClient {
  return useSession().client;
}
