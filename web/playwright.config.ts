import { defineConfig } from '@playwright/test';

// Driven by scripts/e2e.sh, which starts a real api-server and sets E2E_BASE_URL.
// Debian's chromium is used; Playwright never downloads a browser here.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e-artifacts/test-results',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8000',
    locale: 'ru-RU',
    // Not UTC, so the first launch has a time zone to send.
    timezoneId: 'Asia/Yekaterinburg',
    viewport: { width: 390, height: 844 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // A microphone that plays a tone, granted without a prompt: the tutor's voice button.
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
    },
  },
});
