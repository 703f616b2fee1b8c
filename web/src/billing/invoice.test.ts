import { afterEach, describe, expect, it } from 'vitest';
import { canOpenInvoice, openInvoice } from './invoice';

function stub(answer: (link: string, callback: (status: string) => void) => void) {
  (window as unknown as { Telegram?: unknown }).Telegram = { WebApp: { openInvoice: answer } };
}

afterEach(() => {
  delete (window as unknown as { Telegram?: unknown }).Telegram;
});

describe('openInvoice', () => {
  it('opens the link with Telegram.WebApp.openInvoice and resolves with how it closed', async () => {
    const links: string[] = [];
    stub((link, callback) => {
      links.push(link);
      callback('paid');
    });
    expect(canOpenInvoice()).toBe(true);
    await expect(openInvoice('https://t.me/$abc')).resolves.toBe('paid');
    expect(links).toEqual(['https://t.me/$abc']);
  });

  it.each(['cancelled', 'pending', 'failed'])('passes %s on', async (status) => {
    stub((_link, callback) => callback(status));
    await expect(openInvoice('https://t.me/$abc')).resolves.toBe(status);
  });

  it('takes an unknown status or a throwing client as failed', async () => {
    stub((_link, callback) => callback('weird'));
    await expect(openInvoice('https://t.me/$abc')).resolves.toBe('failed');
    stub(() => {
      throw new Error('WebAppInvoiceUrlInvalid');
    });
    await expect(openInvoice('https://t.me/$abc')).resolves.toBe('failed');
  });

  it('is unsupported in a normal browser', async () => {
    expect(canOpenInvoice()).toBe(false);
    await expect(openInvoice('https://t.me/$abc')).resolves.toBe('unsupported');
  });
});
