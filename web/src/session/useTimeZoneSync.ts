import { useEffect, useRef } from 'react';
import type { Me } from '../api/types';
import { asTimeZone, detectedTimeZone, manualTimeZone, shouldSyncTimeZone } from '../domain/timezone';
import { usePatchMe } from '../hooks/queries';

/** Sends the device time zone once per launch when the server's differs (see timezone.ts). */
export function useTimeZoneSync(me: Me | undefined): void {
  const patchMe = usePatchMe();
  const done = useRef(false);
  const { mutate } = patchMe;

  useEffect(() => {
    if (!me || done.current) return;
    done.current = true;
    const detected = detectedTimeZone();
    if (shouldSyncTimeZone(me.user.timezone, detected, manualTimeZone())) {
      mutate({ timezone: asTimeZone(detected) });
    }
  }, [me, mutate]);
}
