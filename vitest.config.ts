import { defineConfig } from 'vitest/config';

// Unit and integration tests of every package; end-to-end tests run separately with Playwright.
export default defineConfig({
  test: {
    include: ['packages/**/src/**/*.test.ts', 'sync-server/src/**/*.test.ts', 'web/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.svelte-kit/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration suites start real servers; two cores on CI machines.
    maxWorkers: 2,
  },
});
