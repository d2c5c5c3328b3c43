// Browser tests: tests/gpu run against the Vite dev server (they import engine modules into
// the page), tests/e2e against the built app served by `vite preview` (service worker included).
import { defineConfig } from '@playwright/test';
import { BASE_ARGS, findChromium, WEBGPU_ARG } from './support/chromium.mjs';

// Overridable so that several test runs can share a machine.
const DEV_PORT = Number(process.env.ZOETROPE_DEV_PORT ?? 5173);
const PREVIEW_PORT = Number(process.env.ZOETROPE_PREVIEW_PORT ?? 4173);

export default defineConfig({
  // SwiftShader runs WebGPU on the CPU; on a 2-core machine parallel browsers only slow each other.
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  forbidOnly: !!process.env.CI,
  // Its own folder: Playwright empties outputDir at start, and test-results/ also holds vitest's report.
  outputDir: '../test-results/playwright-artifacts',
  reporter: [['list'], ['json', { outputFile: '../test-results/playwright.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: findChromium(), args: [...BASE_ARGS, WEBGPU_ARG] },
  },
  projects: [
    { name: 'gpu', testDir: 'gpu', use: { baseURL: `http://127.0.0.1:${DEV_PORT}` } },
    { name: 'e2e', testDir: 'e2e', use: { baseURL: `http://127.0.0.1:${PREVIEW_PORT}` } },
  ],
  webServer: [
    {
      command: `npx vite --port ${DEV_PORT} --strictPort`,
      cwd: '..',
      url: `http://127.0.0.1:${DEV_PORT}/tests/gpu/harness.html`,
      reuseExistingServer: false,
      stdout: 'ignore',
      // The build takes ~30 s alone and several times that beside a training run (nice -n 19).
      timeout: 240_000,
    },
    {
      command: `npx vite build --logLevel warn && npx vite preview --port ${PREVIEW_PORT} --strictPort`,
      cwd: '..',
      url: `http://127.0.0.1:${PREVIEW_PORT}/`,
      reuseExistingServer: false,
      stdout: 'ignore',
      // The build takes ~30 s alone and several times that beside a training run (nice -n 19).
      timeout: 240_000,
    },
  ],
});
