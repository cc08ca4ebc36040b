import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { postgresBinDir, redisServerPath } from './test/setup/servers.ts';

// graphql 16 ships CJS and .mjs builds; the app's dependencies load the CJS one through Node,
// so test files must too, or graphql's realm check rejects the schema.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

// The core suite runs twice: on embedded SQLite, and on PostgreSQL (plus the scale-out tests
// that need PostgreSQL and Redis). Without the servers it says so loudly; in CI it fails.
const haveServers = Boolean(
  (process.env.TEST_POSTGRES_URL || postgresBinDir()) && (process.env.TEST_REDIS_URL || redisServerPath()),
);
if (!haveServers) {
  const message =
    'PostgreSQL and Redis tests SKIPPED: install them (apt-get install postgresql redis-server) or set TEST_POSTGRES_URL and TEST_REDIS_URL';
  if (process.env.CI) throw new Error(`CI needs PostgreSQL and Redis. ${message}`);
  console.warn(`\n${'!'.repeat(100)}\n!! ${message}\n${'!'.repeat(100)}\n`);
}

const core = ['test/*.test.ts'];

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    environment: 'node',
    pool: 'forks',
    // Two cores: more parallel files only fight over them.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test' },
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          // test/clients: GraphQL clients from npm (Apollo, urql, Relay's compiler, graphql-sse) against the server.
          include: [
            ...core,
            'test/security/*.test.ts',
            'test/browser/*.test.ts',
            'test/clients/*.test.ts',
            'test/ops/startup.test.ts',
            'test/ops/production-start.test.ts',
          ],
          env: { TEST_PROVIDER: 'sqlite' },
        },
      },
      ...(haveServers
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgresql',
                include: [
                  ...core,
                  'test/scale/*.test.ts',
                  'test/reliability/faults.test.ts',
                  'test/ops/startup-postgres.test.ts',
                  // The security tests where the database or Redis makes a difference.
                  'test/security/hostile-ids.test.ts',
                  'test/security/redis-outage.test.ts',
                  'test/security/send-idempotency.test.ts',
                ],
                env: { TEST_PROVIDER: 'postgresql' },
                globalSetup: ['test/setup/servers.ts'],
              },
            },
          ]
        : []),
      // npm run test:load (not part of npm test; .ci/run runs both).
      ...(['sqlite', 'postgresql'] as const).map((provider) => ({
        extends: true as const,
        test: {
          name: `load-${provider}`,
          include: ['test/reliability/load.test.ts'],
          env: { TEST_PROVIDER: provider },
          ...(provider === 'postgresql' ? { globalSetup: ['test/setup/servers.ts'] } : {}),
        },
      })),
    ],
  },
});
