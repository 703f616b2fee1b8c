import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { ApiClient } from '../api/client';
import { createSignIn } from '../api/auth';
import { errorBody, stubFetch } from '../test/apiStub';
import { haptics } from './haptics';
import { PrimaryAction } from './PrimaryAction';
import { sessionStore } from './refreshTokenStore';
import { initTelegram, isInsideTelegram, rawInitData } from './sdk';

describe('outside Telegram', () => {
  it('initialises without crashing and reports a normal browser', () => {
    expect(initTelegram()).toBe(false);
    expect(isInsideTelegram()).toBe(false);
    expect(rawInitData()).toBeUndefined();
  });

  it('makes haptics a no-op', () => {
    expect(() => {
      haptics.impact('medium');
      haptics.notification('success');
      haptics.selection();
    }).not.toThrow();
  });

  it('renders the primary action as an ordinary button', async () => {
    const onClick = vi.fn();
    render(<PrimaryAction text="Далее" onClick={onClick} />);
    await userEvent.click(screen.getByRole('button', { name: 'Далее' }));
    expect(onClick).toHaveBeenCalledOnce();
  });

  it('shows "open in Telegram" when the dev sign-in is not available', async () => {
    const { fetchFn } = stubFetch({
      'POST /api/auth/dev-login': () => ({ status: 404, body: errorBody('NOT_FOUND') }),
    });
    const client = new ApiClient({
      store: sessionStore(window.sessionStorage),
      signIn: createSignIn({ initData: undefined, devTelegramId: () => 1, languageCode: 'ru' }),
      fetchFn,
    });
    render(<App client={client} initialLanguage="en" />);
    expect(await screen.findByTestId('open-in-telegram')).toHaveTextContent('Open the app in Telegram');
  });
});
