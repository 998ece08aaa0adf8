// The operational routes: liveness, readiness and Prometheus metrics.
import { timingSafeEqual } from 'node:crypto';
function sameSecret(given, expected) {
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
}
export function registerOpsRoutes(fastify, { readiness, metrics, metricsToken }) {
    fastify.get('/healthz', async () => ({ status: 'ok' }));
    fastify.get('/readyz', async (_request, reply) => {
        const report = await readiness.report();
        return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not ready', checks: report.checks });
    });
    fastify.get('/metrics', async (request, reply) => {
        if (metricsToken && !sameSecret(request.headers.authorization ?? '', `Bearer ${metricsToken}`)) {
            return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'metrics need a bearer token' });
        }
        return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
    });
}
//# sourceMappingURL=ops.routes.js.map