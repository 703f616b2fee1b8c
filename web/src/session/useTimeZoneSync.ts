import { useEffect, useRef } from 'react';
import type { Me } from '../api/types';
import { asTimeZone, detectedTimeZone, shouldSyncTimeZone } from '../domain/timezone';
import { usePatchMe } from '../hooks/queries';

/**
 * Sends the device time zone once per launch as `detected_timezone` when the server's
 * differs and the learner follows the device (a zone picked by hand is kept; timezone.ts).
 */
export function useTimeZoneSync(me: Me | undefined): void {
  const patchMe = usePatchMe();
  const done = useRef(false);
  const { mutate } = patchMe;

  useEffect(() => {
    if (!me || done.current) return;
    done.current = true;
    const detected = detectedTimeZone();
    if (shouldSyncTimeZone(me.user.timezone, detected, me.user.timezone_source)) {
      mutate({ detected_timezone: asTimeZone(detected) });
    }
  }, [me, mutate]);
}
