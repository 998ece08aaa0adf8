import { ApolloServer } from '@apollo/server';
import { type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../logger.js';
import type { DeliveryStatuses } from '../delivery/delivery-status.js';
import type { SendGridEvents } from '../delivery/sendgrid-events.js';
import type { OtpService } from '../otp/otp.service.js';
import type { VerificationTokens } from '../otp/verification-token.js';
import type { GraphQLContext } from '../graphql/context.js';
import { type PlaygroundMode } from '../graphql/playground.js';
import type { Metrics } from '../ops/metrics.js';
import type { Readiness } from '../ops/readiness.js';
import type { SubscriptionCaps } from '../edge/subscription-caps.js';
export interface HttpServerOptions {
    schema: GraphQLSchema;
    service: OtpService;
    /** Publishes the verification tokens' public keys. */
    tokens: VerificationTokens;
    deliveries: DeliveryStatuses;
    /** SendGrid's Event Webhook, when SENDGRID_WEBHOOK_PUBLIC_KEY is set. */
    webhook: {
        publicKey: string;
        maxAgeSeconds: number;
        events: SendGridEvents;
        now: () => Date;
    } | null;
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
}
export interface HttpServer {
    fastify: FastifyInstance;
    /** Absent in a worker process, which serves only the operational routes. */
    apollo?: ApolloServer<GraphQLContext>;
}
type OpsServerOptions = Pick<HttpServerOptions, 'logger' | 'metrics' | 'readiness' | 'metricsToken'>;
export declare const GRAPHQL_PATH = "/graphql";
export declare const JWKS_PATH = "/.well-known/jwks.json";
/** An OTP request is a few hundred bytes; 64 KB leaves room for any honest query. */
export declare const BODY_LIMIT_BYTES: number;
/**
 * Time bounds on every listener, so a caller that sends slowly (one byte every few seconds)
 * cannot hold a connection, and its memory, for ever: Fastify's request timeout is none by
 * default. A request (headers and body) must arrive within 15 s, its headers within 10 s; Node
 * checks both once per `connectionsCheckingInterval`. WebSocket connections are upgraded once
 * their request has arrived, so these do not cut them.
 */
export declare const LISTENER_TIMEOUTS: {
    readonly requestMs: 15000;
    readonly headersMs: 10000;
    readonly checkEveryMs: 1000;
};
/** A worker's server: /healthz, /readyz and /metrics, nothing else. */
export declare function createOpsServer(options: OpsServerOptions): HttpServer;
export declare function createHttpServer(options: HttpServerOptions): Promise<HttpServer>;
export {};
