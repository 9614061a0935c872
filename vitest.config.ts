import { defineConfig } from 'vitest/config';

const shared = { testTimeout: 30_000, hookTimeout: 60_000 };

// Three runs: everything on the embedded default; the trade and sale-mechanics tests again on
// PostgreSQL (DATABASE_URL, default 127.0.0.1:5432/test); and the same again on PostgreSQL +
// Redis (REDIS_URL, default 127.0.0.1:6379), the backend several servers share.
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
      {
        test: {
          ...shared,
          name: 'shared',
          // The trade and sale-mechanics suites again on PostgreSQL + Redis.
          include: ['test/api/**/*.test.ts'],
          exclude: ['test/api/serve.test.ts', 'test/api/web-assets.test.ts'],
          env: { DACU_TEST_BACKEND: 'shared' },
        },
      },
    ],
  },
});
