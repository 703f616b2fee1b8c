import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { AppNotification } from '../api/types';
import { useMarkAllRead, useMarkRead, useNotifications, useUnreadCount } from '../hooks/notificationQueries';
import { useI18n } from '../i18n/i18n';
import { timeAgo } from '../stats/stats';
import { haptics } from '../telegram/haptics';
import { BellIcon } from './Icons';
import { EmptyState, ErrorState, InlineError, Skeleton } from './States';
import '../stats/Stats.css';

/** The bell with the unread count (polled), opening the notifications sheet. */
export function NotificationsBell() {
  const { t } = useI18n();
  const unread = useUnreadCount();
  const [open, setOpen] = useState(false);
  const bell = useRef<HTMLButtonElement>(null);
  const count = unread.data ?? 0;
  return (
    <>
      <button
        ref={bell}
        type="button"
        className="bell"
        aria-label={count > 0 ? t('notifications.openUnread', { n: count }) : t('notifications.open')}
        aria-haspopup="dialog"
        aria-expanded={open}
        data-testid="notifications-bell"
        onClick={() => setOpen(true)}
      >
        <BellIcon />
        {count > 0 && (
          <span className="bell-badge" data-testid="unread-badge" aria-hidden="true">
            {count > 99 ? '99+' : count}
          </span>
        )}
      </button>
      {open && (
        <NotificationsSheet
          onClose={() => {
            setOpen(false);
            bell.current?.focus();
          }}
        />
      )}
    </>
  );
}

/** A bottom sheet: the list (unread highlighted, time ago), mark all read; Escape or the backdrop closes it. */
export function NotificationsSheet({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const list = useNotifications(true);
  const unread = useUnreadCount();
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const titleId = useId();
  const close = useRef<HTMLButtonElement>(null);
  const latestClose = useRef(onClose);
  useEffect(() => {
    latestClose.current = onClose;
  });

  useEffect(() => {
    close.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') latestClose.current();
    };
    document.addEventListener('keydown', onKey);
    // The page behind does not scroll with the sheet.
    const overflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.removeEventListener('keydown', onKey);
      document.body.style.overflow = overflow;
    };
  }, []);

  const items = list.data?.pages.flatMap((page) => page.data) ?? [];
  const anyUnread = (unread.data ?? 0) > 0 || items.some((n) => !n.read_at);

  return createPortal(
    <div
      className="sheet-backdrop"
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div className="sheet" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="notifications-sheet">
        <div className="sheet-handle" aria-hidden="true" />
        <div className="sheet-head">
          <h2 id={titleId}>{t('notifications.title')}</h2>
          <button ref={close} type="button" className="sheet-close" aria-label={t('notifications.close')} onClick={onClose}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        {anyUnread && (
          <div className="sheet-actions">
            <button
              type="button"
              className="button button-small button-quiet"
              data-testid="mark-all-read"
              disabled={markAll.isPending}
              onClick={() => markAll.mutate(undefined, { onSuccess: () => haptics.notification('success') })}
            >
              {t('notifications.markAll')}
            </button>
          </div>
        )}
        <div className="sheet-body">
          <InlineError error={markAll.error ?? markRead.error} />
          {list.isPending && <Skeleton lines={4} />}
          {list.isError && <ErrorState error={list.error} onRetry={() => list.refetch()} />}
          {list.isSuccess && items.length === 0 && <EmptyState text={t('notifications.empty')} action={null} />}
          {items.length > 0 && (
            <ul className="notification-list">
              {items.map((notification) => (
                <li key={notification.id}>
                  <NotificationRow notification={notification} onRead={(id) => markRead.mutate(id)} />
                </li>
              ))}
            </ul>
          )}
          {list.hasNextPage && (
            <button
              type="button"
              className="button button-wide"
              disabled={list.isFetchingNextPage}
              onClick={() => list.fetchNextPage()}
            >
              {t('history.loadMore')}
            </button>
          )}
        </div>
      </div>
    </div>,
    document.body,
  );
}

function NotificationRow({ notification, onRead }: { notification: AppNotification; onRead: (id: string) => void }) {
  const { t, lang } = useI18n();
  const unread = !notification.read_at;
  const content = (
    <>
      <span className="notification-dot" aria-hidden="true" />
      <span className="notification-title">
        {notification.title}
        {unread && <span className="visually-hidden"> ({t('notifications.unread')})</span>}
      </span>
      <span className="notification-body">{notification.body}</span>
      <time className="notification-time" dateTime={notification.created_at}>
        {timeAgo(notification.created_at, lang)}
      </time>
    </>
  );
  // A tap marks an unread one read; a read one is just text.
  return unread ? (
    <button
      type="button"
      className="notification notification-unread"
      data-testid="notification"
      data-kind={notification.kind}
      data-unread="true"
      onClick={() => onRead(notification.id)}
    >
      {content}
    </button>
  ) : (
    <div className="notification" data-testid="notification" data-kind={notification.kind} data-unread="false">
      {content}
    </div>
  );
}
