// GET /metrics in Prometheus' text format. Outside production it is on; in production only with
// METRICS_ENABLED=true (it names operations and load: keep it on the internal network), else 404.
import type { Plugin } from 'graphql-yoga';
import { registry } from '../../metrics.ts';

export const METRICS_PATH = '/metrics';

export function useMetricsEndpoint(enabled: boolean): Plugin {
  return {
    // Not async: every other request passes through here, and returns without a promise.
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== METRICS_PATH) return;
      if (!enabled) return endResponse(new fetchAPI.Response('Not found\n', { status: 404 }));
      return registry.metrics().then((body) => {
        endResponse(new fetchAPI.Response(body, { headers: { 'content-type': registry.contentType } }));
      });
    },
  };
}
