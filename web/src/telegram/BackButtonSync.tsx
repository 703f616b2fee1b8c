import { useEffect, useRef } from 'react';
import { useLocation, useNavigate, useNavigationType } from 'react-router-dom';
import { backButton } from '@telegram-apps/sdk-react';

/**
 * Shows Telegram's BackButton whenever there is an in-app page to go back to and the
 * current route is not Home, and makes it step back through router history.
 */
export function BackButtonSync() {
  const location = useLocation();
  const navigationType = useNavigationType();
  const navigate = useNavigate();
  const depth = useRef(0);
  const lastKey = useRef(location.key);

  if (lastKey.current !== location.key) {
    lastKey.current = location.key;
    if (navigationType === 'PUSH') depth.current += 1;
    else if (navigationType === 'POP') depth.current = Math.max(0, depth.current - 1);
  }

  const visible = location.pathname !== '/' && depth.current > 0;

  useEffect(() => {
    try {
      if (visible) backButton.show.ifAvailable();
      else backButton.hide.ifAvailable();
    } catch {
      // Outside Telegram there is no BackButton; the pages keep their own links.
    }
  }, [visible]);

  useEffect(() => {
    try {
      const [subscribed, off] = backButton.onClick.ifAvailable(() => navigate(-1));
      return subscribed ? off : undefined;
    } catch {
      return undefined;
    }
  }, [navigate]);

  return null;
}
