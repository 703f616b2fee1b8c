/** Small inline icons (no icon font, no emoji the system fonts may lack). */
export function FlameIcon({ lit = true, size = 20 }: { lit?: boolean; size?: number }) {
  return (
    <svg
      className={`icon icon-flame ${lit ? 'icon-flame-lit' : ''}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
    >
      <path
        d="M12 2.5c.6 3-1.2 4.8-2.8 6.6C7.6 10.9 6 12.7 6 15.4 6 19 8.7 21.5 12 21.5s6-2.5 6-6.1c0-2.3-1-4-2.2-5.4-.3 1.4-1 2.4-2 2.9.4-3.6-.6-7.5-1.8-10.4Z"
        fill="currentColor"
      />
      <path d="M12 21.5c-1.8 0-3.1-1.3-3.1-3.1 0-1.9 1.5-2.9 2.4-4.4.9 1.4 3.8 2.5 3.8 4.6 0 1.7-1.3 2.9-3.1 2.9Z" fill="var(--flame-core, #ffd27a)" />
    </svg>
  );
}

export function BellIcon({ size = 22 }: { size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d="M12 3a5.5 5.5 0 0 0-5.5 5.5v3.2c0 .9-.3 1.8-.9 2.5L4.5 15.6c-.5.6-.1 1.4.7 1.4h13.6c.8 0 1.2-.8.7-1.4l-1.1-1.4c-.6-.7-.9-1.6-.9-2.5V8.5A5.5 5.5 0 0 0 12 3Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
      <path d="M9.5 19a2.5 2.5 0 0 0 5 0" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}
