import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { type GraphQLSchema, type ValidationRule } from 'graphql';
import { type CapRefusal, type SubscriptionCaps } from '../edge/subscription-caps.js';
import type { GraphQLContext } from '../graphql/context.js';
export interface GraphQLWsOptions {
    schema: GraphQLSchema;
    context: (request: FastifyRequest) => GraphQLContext;
    validationRules: ValidationRule[];
    maxTokens: number;
    /** CORS_ORIGINS: true = any, false = no browser origin, or the list. */
    corsOrigins: boolean | string[];
    production: boolean;
    /** Whether introspection is allowed (GRAPHQL_INTROSPECTION; off in production), as over HTTP. */
    introspection: boolean;
    /** Largest message a client may send; an OTP operation is a few hundred bytes. */
    maxPayloadBytes: number;
    /** Connections per client, live subscriptions per connection and per client (src/edge/subscription-caps.ts). */
    caps: SubscriptionCaps;
}
/** A cap's refusal in the documented error shape: the cap's code and its number, nothing else. */
export declare const capError: ({ cap, max }: CapRefusal) => {
    message: string;
    extensions: {
        code: string;
        max: number;
    };
};
/**
 * Whether a WebSocket upgrade from `origin` may proceed. Browsers always send Origin and cannot
 * be trusted to honour CORS for WebSockets (there is no preflight), so the server checks it;
 * a client without one is not a browser, and CORS never applied to it either.
 */
export declare function originAllowed(origin: string | undefined, allowed: boolean | string[]): boolean;
/** Registers the WebSocket side of `path`; the HTTP handler for GET stays as it was. */
export declare function registerGraphQLWs(fastify: FastifyInstance, path: string, httpGet: RouteHandlerMethod, o: GraphQLWsOptions): Promise<void>;
