// Prometheus metrics, one registry per process (several apps in one test process add up, as
// they would in one server). Lower layers count here; src/server/observability serves them.
import type { Pool } from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const operationsTotal = new Counter({
  name: 'graphql_operations_total',
  help: 'GraphQL operations by name, type and result (ok, or the first error code)',
  labelNames: ['operation', 'type', 'result'] as const,
  registers: [registry],
});

export const operationSeconds = new Histogram({
  name: 'graphql_operation_duration_seconds',
  help: 'Time from the request (or graphql-ws subscribe) to the result, by operation name and type',
  labelNames: ['operation', 'type'] as const,
  // From a cached read (~1 ms) to a slow group commit under load (seconds).
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const markReadBatchCalls = new Histogram({
  name: 'markread_batch_calls',
  help: 'markRead calls written together in one group-commit transaction',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128],
  registers: [registry],
});

export const markReadBatchIds = new Histogram({
  name: 'markread_batch_message_ids',
  help: 'Message ids written in one group-commit transaction (at most MAX_IDS_PER_BATCH)',
  buckets: [1, 5, 10, 30, 100, 300, 1000],
  registers: [registry],
});

export const webSocketConnections = new Gauge({
  name: 'websocket_connections',
  help: 'Open graphql-ws sockets',
  registers: [registry],
});

export const liveSubscriptions = new Gauge({
  name: 'graphql_live_subscriptions',
  help: 'Subscriptions currently streaming (graphql-ws and SSE)',
  registers: [registry],
});

export const eventsPublished = new Counter({
  name: 'pubsub_events_published_total',
  help: 'Events published, by topic',
  labelNames: ['topic'] as const,
  registers: [registry],
});

export const eventsDelivered = new Counter({
  name: 'subscription_events_delivered_total',
  help: 'Subscription results sent to clients',
  registers: [registry],
});

/** PostgreSQL pools of the running apps (SQLite has one connection and no pool). */
const pools = new Set<Pool>();

/** Watched until it ends (Prisma ends it on $disconnect). */
export function watchPool(pool: Pool) {
  pools.add(pool);
}

new Gauge({
  name: 'db_pool_connections',
  help: 'PostgreSQL pool connections: total open, idle, and callers waiting for one',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const pool of pools) {
      if ((pool as Pool & { ended?: boolean }).ended) {
        pools.delete(pool);
        continue;
      }
      this.inc({ state: 'total' }, pool.totalCount);
      this.inc({ state: 'idle' }, pool.idleCount);
      this.inc({ state: 'waiting' }, pool.waitingCount);
    }
  },
});
