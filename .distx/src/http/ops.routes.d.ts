import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../ops/metrics.js';
import type { Readiness } from '../ops/readiness.js';
export interface OpsRoutesOptions {
    readiness: Readiness;
    metrics: Metrics;
    /** When set, /metrics wants `Authorization: Bearer <token>`. */
    metricsToken: string | undefined;
}
export declare function registerOpsRoutes(fastify: FastifyInstance, { readiness, metrics, metricsToken }: OpsRoutesOptions): void;
