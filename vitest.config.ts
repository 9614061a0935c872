import { defineConfig } from 'vitest/config';

const shared = { testTimeout: 30_000, hookTimeout: 60_000 };

// Two runs: everything on the embedded default, and the trade and sale-mechanics tests again on
// PostgreSQL (DATABASE_URL, default 127.0.0.1:5432/test) — the same tests prove both stores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'embedded',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
        },
      },
      {
        test: {
          ...shared,
          name: 'postgres',
          include: ['test/api/**/*.test.ts'],
          env: { DACU_TEST_BACKEND: 'postgres' },
        },
      },
    ],
  },
});
