import type { FastifyPluginAsync } from 'fastify';
import type { ConnectorMetrics } from '../../metrics/connector-metrics.ts';

/**
 * `GET /metrics`: this process's counters and the deployment's shared figures in Prometheus' text format.
 * Meant for the operator's Prometheus on the internal network; the load balancer should not route it from
 * outside.
 */
export const metricsRoutes: FastifyPluginAsync<{ metrics: ConnectorMetrics }> = async (app, { metrics }) => {
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.text();
    return reply.type(metrics.contentType).send(text);
  });
};
