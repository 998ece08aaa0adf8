// The HTTP layer: Fastify carrying Apollo Server at /graphql. Fastify was chosen on measured
// merit (see the README's Performance section) and also carries the operational routes.
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import type { Logger } from '../logger.js';
import type { DeliveryStatuses } from '../delivery/delivery-status.js';
import type { SendGridEvents } from '../delivery/sendgrid-events.js';
import type { OtpService } from '../otp/otp.service.js';
import type { VerificationTokens } from '../otp/verification-token.js';
import type { GraphQLContext } from '../graphql/context.js';
import { apolloBase, queryLimits } from '../graphql/limits.js';
import { operationsPlugin } from '../graphql/operations.plugin.js';
import { playgroundAssetsInstalled, playgroundPlugin, registerPlaygroundAssets, type PlaygroundMode } from '../graphql/playground.js';
import type { Metrics } from '../ops/metrics.js';
import type { Readiness } from '../ops/readiness.js';
import type { SubscriptionCaps } from '../edge/subscription-caps.js';
import { clientAddress } from '../edge/client-network.js';
import { registerGraphQLWs } from './graphql-ws.js';
import { registerChallengeRoutes } from './challenge.routes.js';
import type { DevMailbox } from '../mail/dev-mailbox.js';
import { registerDevMailbox } from './dev-mailbox.routes.js';
import type { MerchantApi } from '../merchant-api/merchant-api.service.js';
import { registerMerchantApi } from './merchant-api.routes.js';
import { registerOpsRoutes } from './ops.routes.js';
import { registerSendGridWebhook } from './sendgrid-webhook.routes.js';

export interface HttpServerOptions {
  schema: GraphQLSchema;
  service: OtpService;
  /** Publishes the verification tokens' public keys. */
  tokens: VerificationTokens;
  deliveries: DeliveryStatuses;
  /** SendGrid's Event Webhook, when SENDGRID_WEBHOOK_PUBLIC_KEY is set. */
  sendgridEvents: { publicKey: string; maxAgeSeconds: number; maxPostsPerMinute: number; ipv6PrefixLength: number; events: SendGridEvents; now: () => Date } | null;
  logger: Logger;
  production: boolean;
  introspection: boolean;
  batching: boolean;
  playground: PlaygroundMode;
  metrics: Metrics;
  readiness: Readiness;
  metricsToken: string | undefined;
  /** Which X-Forwarded-For hops to believe (Fastify's trustProxy). */
  trustProxy: boolean | number | string[];
  /** Allowed CORS origins: true = any, false = none. */
  corsOrigins: boolean | string[];
  /** What one client may hold open over WebSocket. */
  subscriptionCaps: SubscriptionCaps;
  /** The log mailer's last emails at /dev/mailbox (development only); null: no such route. */
  devMailbox: DevMailbox | null;
  /** The merchant API at /merchant/graphql (merchant-api.routes.ts); null: none. */
  merchantApi: { schema: GraphQLSchema; api: MerchantApi } | null;
}

export interface HttpServer {
  fastify: FastifyInstance;
  /** Absent in a worker process, which serves only the operational routes. */
  apollo?: ApolloServer<GraphQLContext>;
}

type OpsServerOptions = Pick<HttpServerOptions, 'logger' | 'metrics' | 'readiness' | 'metricsToken' | 'devMailbox'>;

export const GRAPHQL_PATH = '/graphql';
export const JWKS_PATH = '/.well-known/jwks.json';
/** An OTP request is a few hundred bytes; 64 KB leaves room for any honest query. */
export const BODY_LIMIT_BYTES = 64 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/**
 * Time bounds on every listener, so a caller that sends slowly (one byte every few seconds)
 * cannot hold a connection, and its memory, for ever: Fastify's request timeout is none by
 * default. A request (headers and body) must arrive within 15 s, its headers within 10 s; Node
 * checks both once per `connectionsCheckingInterval`. WebSocket connections are upgraded once
 * their request has arrived, so these do not cut them.
 */
export const LISTENER_TIMEOUTS = { requestMs: 15_000, headersMs: 10_000, checkEveryMs: 1_000 } as const;

/** A worker's server: /healthz, /readyz and /metrics, nothing else. */
export function createOpsServer(options: OpsServerOptions): HttpServer {
  const fastify = baseServer(options.logger, false);
  registerOpsRoutes(fastify, options);
  if (options.devMailbox) registerDevMailbox(fastify, options.devMailbox);
  return { fastify };
}

function baseServer(logger: Logger, trustProxy: HttpServerOptions['trustProxy']): FastifyInstance {
  const fastify = Fastify({
    // Per-operation lines come from the GraphQL operations plugin; Fastify's own would double them.
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: LISTENER_TIMEOUTS.requestMs,
    http: { headersTimeout: LISTENER_TIMEOUTS.headersMs, connectionsCheckingInterval: LISTENER_TIMEOUTS.checkEveryMs },
    // A number means "this many proxy hops": Fastify takes that as a function of the hop index.
    trustProxy: typeof trustProxy === 'number' ? trustHops(trustProxy) : trustProxy,
    // Take the caller's X-Request-Id when it is sane, so one id follows a request across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Requests refused before GraphQL runs (too large, not JSON) still get a GraphQL-shaped answer.
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) logger.error({ requestId: request.id, err: error }, 'request failed');
    const message =
      status === 413 ? `Request body too large (at most ${BODY_LIMIT_BYTES} bytes)` : status === 500 ? 'Internal server error' : error.message;
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
    return reply.code(status).send({ errors: [{ message, extensions: { code } }] });
  });
  return fastify;
}

/**
 * Behind a load balancer with TRUST_PROXY unset, every caller has the balancer's address, so
 * the per-client limits become one budget for the whole service that one abuser can spend.
 * Forwarding headers arriving untrusted are the sign: say so, once.
 */
function warnOnceAboutUntrustedForwarding(fastify: FastifyInstance, logger: Logger): void {
  let warned = false;
  fastify.addHook('onRequest', async (request) => {
    if (warned || (request.headers['x-forwarded-for'] === undefined && request.headers.forwarded === undefined)) return;
    warned = true;
    logger.warn(
      { variable: 'TRUST_PROXY', peer: request.socket.remoteAddress },
      'X-Forwarded-For arrived but TRUST_PROXY is false: every client counts as the proxy\'s address, so the per-client limits are shared by all; set TRUST_PROXY to your proxies\' addresses (or hop count)',
    );
  });
}

export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { schema, service, deliveries, logger, production, introspection, metrics } = options;
  // GraphiQL's files are development dependencies: without them (the production image) there is no page to serve.
  let playground = options.playground;
  if (playground === 'graphiql' && !playgroundAssetsInstalled()) {
    logger.warn({ variable: 'GRAPHQL_PLAYGROUND' }, 'GRAPHQL_PLAYGROUND=graphiql but graphiql, react and react-dom are not installed (development dependencies): no playground');
    playground = 'off';
  }
  const fastify = baseServer(logger, options.trustProxy);
  if (options.trustProxy === false) warnOnceAboutUntrustedForwarding(fastify, logger);

  await fastify.register(cors, {
    origin: options.corsOrigins,
    credentials: false,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'accept', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  });

  const limits = queryLimits();
  const base = apolloBase<GraphQLContext>(production);
  const apollo = new ApolloServer<GraphQLContext>({
    ...base,
    schema,
    introspection,
    allowBatchedHttpRequests: options.batching,
    plugins: [fastifyApolloDrainPlugin(fastify), operationsPlugin(logger, metrics), playgroundPlugin(playground, GRAPHQL_PATH), ...base.plugins],
  });
  await apollo.start();

  if (playground === 'graphiql') registerPlaygroundAssets(fastify);
  const context = (request: FastifyRequest): GraphQLContext => ({ service, deliveries, requestId: request.id, clientIp: clientAddress(request.ip) });
  const handler = fastifyApolloHandler(apollo, { context: async (request) => context(request) });
  fastify.post(GRAPHQL_PATH, handler);
  // GET /graphql: queries over HTTP, and the WebSocket upgrade for subscriptions.
  await registerGraphQLWs(fastify, GRAPHQL_PATH, handler, {
    schema,
    context,
    validationRules: limits.validationRules as ValidationRule[],
    maxTokens: limits.parseOptions.maxTokens,
    corsOrigins: options.corsOrigins,
    production,
    introspection,
    maxPayloadBytes: BODY_LIMIT_BYTES,
    caps: options.subscriptionCaps,
  });
  registerChallengeRoutes(fastify, service.challenge);
  if (options.merchantApi) await registerMerchantApi(fastify, { ...options.merchantApi, logger, metrics, production, introspection });
  if (options.sendgridEvents) await registerSendGridWebhook(fastify, { ...options.sendgridEvents, metrics, logger });
  // The keys a merchant's backend checks verification tokens with (jose's createRemoteJWKSet).
  fastify.get(JWKS_PATH, async (_request, reply) =>
    reply.header('content-type', 'application/jwk-set+json').header('cache-control', 'public, max-age=300').send(await options.tokens.jwks()),
  );
  registerOpsRoutes(fastify, options);
  if (options.devMailbox) registerDevMailbox(fastify, options.devMailbox);
  return { fastify, apollo };
}
