import { defineConfig } from 'vitest/config';

// Unit tests: pure TypeScript in Node. Browser and GPU tests run under Playwright (playwright.config.ts).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
