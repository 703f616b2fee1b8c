import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router-dom';
import { telegramStartParam } from './sdk';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where a `startapp` deep link leads: `study` the study session, `exercise` an exercise
 * session, `card_<id>` that card, `g_<code>` the invite to that group; anything else (an old
 * or foreign link) the normal start.
 */
export function startRoute(param: string | undefined): string | null {
  if (!param) return null;
  if (param === 'study') return '/study';
  if (param === 'exercise') return '/exercises/session';
  const card = /^card_(.+)$/.exec(param)?.[1];
  if (card && UUID.test(card)) return `/cards/card/${card}`;
  const invite = /^g_([A-Za-z0-9_-]{1,62})$/.exec(param)?.[1];
  if (invite) return `/groups/join?code=${encodeURIComponent(invite)}`;
  return null;
}

/**
 * Follows the launch's deep link once, when the app is first shown; outside Telegram the
 * `startapp` query parameter (as t.me links pass it on the web) does the same.
 */
export function useStartParam(): void {
  const navigate = useNavigate();
  const done = useRef(false);
  useEffect(() => {
    if (done.current) return;
    done.current = true;
    const param = telegramStartParam() ?? new URLSearchParams(window.location.search).get('startapp') ?? undefined;
    const route = startRoute(param);
    if (route && window.location.pathname === '/') navigate(route);
  }, [navigate]);
}

export function StartParamRedirect(): null {
  useStartParam();
  return null;
}
