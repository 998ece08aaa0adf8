// The HTTP layer: Fastify carrying Apollo Server at /graphql. Fastify was chosen on measured
// merit (see the README's Performance section) and also carries the operational routes.
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../logger.js';
import type { OtpService } from '../otp/otp.service.js';
import type { GraphQLContext } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { operationsPlugin } from '../graphql/operations.plugin.js';
import { playgroundPlugin, registerPlaygroundAssets, type PlaygroundMode } from '../graphql/playground.js';
import type { Metrics } from '../ops/metrics.js';
import type { Readiness } from '../ops/readiness.js';
import { registerOpsRoutes } from './ops.routes.js';

export interface HttpServerOptions {
  schema: GraphQLSchema;
  service: OtpService;
  logger: Logger;
  introspection: boolean;
  playground: PlaygroundMode;
  metrics: Metrics;
  readiness: Readiness;
  metricsToken: string | undefined;
}

export interface HttpServer {
  fastify: FastifyInstance;
  apollo: ApolloServer<GraphQLContext>;
}

export const GRAPHQL_PATH = '/graphql';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { schema, service, logger, introspection, playground, metrics } = options;
  const fastify = Fastify({
    // Per-operation lines come from the GraphQL logging plugin; Fastify's own would double them.
    logger: false,
    bodyLimit: 100 * 1024,
    // Take the caller's X-Request-Id when it is sane, so one id follows a request across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection,
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [fastifyApolloDrainPlugin(fastify), operationsPlugin(logger, metrics), playgroundPlugin(playground, GRAPHQL_PATH)],
  });
  await apollo.start();

  if (playground === 'graphiql') registerPlaygroundAssets(fastify);
  fastify.route({
    url: GRAPHQL_PATH,
    method: ['GET', 'POST', 'OPTIONS'],
    handler: fastifyApolloHandler(apollo, {
      context: async (request) => ({ service, requestId: request.id, clientIp: request.ip }),
    }),
  });
  registerOpsRoutes(fastify, options);
  return { fastify, apollo };
}
