// The merchant API at /merchant/graphql: a GraphQL endpoint of its own, for merchants' backends
// only. Apart from the public /graphql because its callers and its rules differ: every call
// carries a call token signed with the merchant's key, checked here before anything is read
// (refused: 401 and one line); its schema (schema/merchant.graphql) is not the browsers'; it
// has each merchant's own budget, not the per-IP ones; and an operator can expose it to
// merchants' networks only, by path, at the proxy. Same port: one listener to run.
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import { apolloBase } from '../graphql/limits.js';
import { operationsPlugin } from '../graphql/operations.plugin.js';
import type { MerchantApiContext } from '../merchant-api/merchant-api.resolver.js';
import type { MerchantApi } from '../merchant-api/merchant-api.service.js';
import { MerchantTokenRefusedError } from '../merchant-api/merchant-token.js';

export const MERCHANT_API_PATH = '/merchant/graphql';

export interface MerchantApiRouteOptions {
  schema: GraphQLSchema;
  api: MerchantApi;
  logger: Logger;
  metrics: Metrics;
  production: boolean;
  introspection: boolean;
}

export async function registerMerchantApi(fastify: FastifyInstance, { schema, api, logger, metrics, production, introspection }: MerchantApiRouteOptions): Promise<void> {
  const base = apolloBase<MerchantApiContext>(production);
  const apollo = new ApolloServer<MerchantApiContext>({
    ...base,
    schema,
    introspection,
    plugins: [
      fastifyApolloDrainPlugin(fastify),
      // The same log line and duration sample per operation as the public API (it reads only requestId).
      operationsPlugin(logger, metrics) as unknown as ApolloServerPlugin<MerchantApiContext>,
      ...base.plugins,
    ],
  });
  await apollo.start();
  // The merchant each checked request speaks for, from its preHandler to its context.
  const callers = new WeakMap<FastifyRequest, string>();
  const handler = fastifyApolloHandler(apollo, {
    context: async (request): Promise<MerchantApiContext> => ({ api, merchant: callers.get(request)!, requestId: request.id }),
  });
  fastify.post(MERCHANT_API_PATH, {
    // The call token first: a refused call reads and counts nothing.
    preHandler: async (request, reply) => {
      try {
        callers.set(request, await api.authenticate(request.headers.authorization));
      } catch (error) {
        if (!(error instanceof MerchantTokenRefusedError)) throw error;
        logger.info({ requestId: request.id, reason: error.message }, 'merchant API call refused');
        const body = { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] };
        return reply.code(401).header('www-authenticate', 'Bearer').type('application/json; charset=utf-8').send(JSON.stringify(body));
      }
    },
  }, handler);
}

