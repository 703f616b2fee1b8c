import { Fragment, type ReactNode } from 'react';

/**
 * Telegram's Stars mark as a drawn star: the ⭐ emoji needs a colour-emoji font, which some
 * webviews (and headless browsers) lack. The emoji stays in the text for screen readers, copy
 * and tests, visually hidden.
 */
function StarMark() {
  return (
    <>
      <svg className="star-icon" viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
        <path
          d="M12 2.2l2.93 6.18 6.77.8-5 4.64 1.32 6.7L12 17.2l-6.02 3.32 1.32-6.7-5-4.64 6.77-.8z"
          fill="currentColor"
          stroke="currentColor"
          strokeWidth="1.2"
          strokeLinejoin="round"
        />
      </svg>
      <span className="visually-hidden">⭐</span>
    </>
  );
}

/** The text with every ⭐ drawn as the Stars mark. */
export function withStars(text: string): ReactNode {
  const parts = text.split('⭐');
  if (parts.length === 1) return text;
  return parts.map((part, i) => (
    <Fragment key={i}>
      {part}
      {i < parts.length - 1 && <StarMark />}
    </Fragment>
  ));
}
