import { act, render, renderHook, screen } from '@testing-library/react';
import { Link, MemoryRouter, Route, Routes } from 'react-router-dom';
import userEvent from '@testing-library/user-event';
import { BackButtonSync } from './BackButtonSync';
import { useClosingConfirmation } from './closingConfirmation';
import { emitEvent, mockTelegramEnv } from '@telegram-apps/sdk-react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { haptics } from './haptics';
import { PrimaryAction } from './PrimaryAction';
import { initTelegram, isInsideTelegram, rawInitData, telegramLanguageCode } from './sdk';

// A simulated Telegram client: launch parameters plus a recorder of the events the app posts.
const initData = new URLSearchParams({
  auth_date: '1700000000',
  hash: 'abc',
  signature: 'sig',
  user: JSON.stringify({ id: 42, first_name: 'Ann', language_code: 'en' }),
}).toString();
const posted: [string, unknown][] = [];

// Re-applied before each test because the shared test setup clears sessionStorage, where
// the SDK keeps launch parameters.
beforeEach(() => {
  mockTelegramEnv({
    launchParams: {
      tgWebAppPlatform: 'tdesktop',
      tgWebAppVersion: '8.0',
      tgWebAppThemeParams: { bg_color: '#17212b', text_color: '#f5f5f5', button_color: '#5288c1' },
      tgWebAppData: initData,
    },
    onEvent: (event) => {
      posted.push(event as [string, unknown]);
    },
  });
});

describe('inside Telegram', () => {
  it('initialises, signals ready, binds the theme and reads initData', () => {
    expect(initTelegram()).toBe(true);
    expect(isInsideTelegram()).toBe(true);
    expect(rawInitData()).toBe(initData);
    expect(telegramLanguageCode()).toBe('en');
    expect(posted.map(([name]) => name)).toContain('web_app_ready');
    expect(document.documentElement.style.getPropertyValue('--tg-theme-bg-color')).toBe('#17212b');
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('follows a live theme change', () => {
    emitEvent('theme_changed', { theme_params: { bg_color: '#ffffff', text_color: '#000000' } });
    expect(document.documentElement.style.getPropertyValue('--tg-theme-bg-color')).toBe('#ffffff');
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('sends haptic feedback', () => {
    haptics.impact('medium');
    expect(posted).toContainEqual([
      'web_app_trigger_haptic_feedback',
      { type: 'impact', impact_style: 'medium' },
    ]);
  });

  it('uses the MainButton instead of a page button', () => {
    const onClick = vi.fn();
    render(<PrimaryAction text="Next" onClick={onClick} />);
    expect(screen.queryByRole('button')).toBeNull();
    const setup = posted.filter(([name]) => name === 'web_app_setup_main_button').at(-1);
    expect(setup?.[1]).toMatchObject({ text: 'Next', is_visible: true, is_active: true });
    emitEvent('main_button_pressed');
    expect(onClick).toHaveBeenCalledOnce();
  });
});

describe('BackButton', () => {
  it('appears after navigating away from Home and walks back through history', async () => {
    initTelegram();
    render(
      <MemoryRouter initialEntries={['/']}>
        <BackButtonSync />
        <Routes>
          <Route path="/" element={<Link to="/profile">go</Link>} />
          <Route path="/profile" element={<p>profile page</p>} />
        </Routes>
      </MemoryRouter>,
    );
    const backButtonStates = () =>
      posted
        .filter(([name]) => name === 'web_app_setup_back_button')
        .map(([, params]) => (params as { is_visible: boolean }).is_visible);

    await userEvent.click(screen.getByRole('link', { name: 'go' }));
    expect(screen.getByText('profile page')).toBeInTheDocument();
    expect(backButtonStates().at(-1)).toBe(true);

    act(() => emitEvent('back_button_pressed'));
    expect(await screen.findByRole('link', { name: 'go' })).toBeInTheDocument();
    expect(backButtonStates().at(-1)).toBe(false);
  });
});

describe('closing confirmation', () => {
  it('asks Telegram to confirm closing while enabled, and stops when disabled', () => {
    initTelegram();
    const closing = () =>
      posted
        .filter(([name]) => name === 'web_app_setup_closing_behavior')
        .map(([, params]) => (params as { need_confirmation: boolean }).need_confirmation);
    const { rerender, unmount } = renderHook(({ on }) => useClosingConfirmation(on), { initialProps: { on: true } });
    expect(closing().at(-1)).toBe(true);
    rerender({ on: false });
    expect(closing().at(-1)).toBe(false);
    unmount();
  });
});
