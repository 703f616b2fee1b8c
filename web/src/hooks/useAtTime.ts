import { useEffect, useRef, useState } from 'react';

const DAY_MS = 86_400_000;

/**
 * Renders again once `iso` has passed, and runs `action` then (a quota that resets while the
 * screen is open: Me is fetched again for the new day). Times more than a day ahead are left
 * to a later visit.
 */
export function useAtTime(iso: string | undefined, action?: () => void): void {
  const [, setTick] = useState(0);
  const latest = useRef(action);
  useEffect(() => {
    latest.current = action;
  });
  useEffect(() => {
    if (!iso) return undefined;
    const wait = Date.parse(iso) - Date.now();
    if (Number.isNaN(wait) || wait < 0 || wait > DAY_MS) return undefined;
    // A second late, so that the server's day has turned too.
    const timer = window.setTimeout(() => {
      setTick((n) => n + 1);
      latest.current?.();
    }, wait + 1000);
    return () => window.clearTimeout(timer);
  }, [iso]);
}
