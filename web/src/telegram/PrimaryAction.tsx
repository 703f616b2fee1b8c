import { useEffect, useRef } from 'react';
import { mainButton } from '@telegram-apps/sdk-react';

interface Props {
  text: string;
  onClick: () => void;
  disabled?: boolean;
  loading?: boolean;
}

function mainButtonUsable(): boolean {
  try {
    return mainButton.setParams.isAvailable();
  } catch {
    return false;
  }
}

/**
 * The screen's primary action: Telegram's MainButton inside Telegram, an ordinary button
 * at the bottom of the page elsewhere.
 */
export function PrimaryAction({ text, onClick, disabled = false, loading = false }: Props) {
  const useMain = mainButtonUsable();
  const handler = useRef(onClick);
  // Older clients may deliver a click on a disabled MainButton; ignore it.
  handler.current = () => {
    if (!disabled && !loading) onClick();
  };

  useEffect(() => {
    if (!useMain) return undefined;
    mainButton.setParams({
      text,
      isVisible: true,
      isEnabled: !disabled && !loading,
      isLoaderVisible: loading,
    });
  }, [useMain, text, disabled, loading]);

  useEffect(() => {
    if (!useMain) return undefined;
    const off = mainButton.onClick(() => handler.current());
    return () => {
      off();
      mainButton.setParams({ isVisible: false, isLoaderVisible: false });
    };
  }, [useMain]);

  if (useMain) return null;
  return (
    <div className="primary-action">
      <button
        type="button"
        className="button button-primary button-wide"
        onClick={onClick}
        disabled={disabled || loading}
        aria-busy={loading}
      >
        {loading ? '…' : text}
      </button>
    </div>
  );
}
