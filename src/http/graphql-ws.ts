// GraphQL over WebSocket at /graphql with graphql-ws (the protocol Apollo Client and urql
// speak), for otpDeliveryChanged. The same rules as over HTTP: browsers' origins are checked
// against CORS_ORIGINS, every operation is parsed with the token cap and validated with the
// same query limits, the context carries the caller's address (so mutations sent this way
// count against the same per-client limits), and errors are formatted the same way.
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type ExecutionArgs, type GraphQLSchema, type ValidationRule } from 'graphql';
import { makeHandler } from 'graphql-ws/use/@fastify/websocket';
import type { GraphQLContext } from '../graphql/context.js';
import { formatError, withoutLiteralValue } from '../graphql/errors.js';

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
}

/**
 * Whether a WebSocket upgrade from `origin` may proceed. Browsers always send Origin and cannot
 * be trusted to honour CORS for WebSockets (there is no preflight), so the server checks it;
 * a client without one is not a browser, and CORS never applied to it either.
 */
export function originAllowed(origin: string | undefined, allowed: boolean | string[]): boolean {
  if (origin === undefined) return true;
  return allowed === true || (Array.isArray(allowed) && allowed.includes(origin));
}

/** Registers the WebSocket side of `path`; the HTTP handler for GET stays as it was. */
export async function registerGraphQLWs(
  fastify: FastifyInstance,
  path: string,
  httpGet: RouteHandlerMethod,
  o: GraphQLWsOptions,
): Promise<void> {
  await fastify.register(websocket, { options: { maxPayload: o.maxPayloadBytes } });
  const rules = [...specifiedRules, ...o.validationRules, ...(o.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  // As over HTTP (graphql-armor's plugin there): no "Did you mean …?" in production, and no
  // inline value quoted back.
  const publicError = (error: GraphQLError) =>
    new GraphQLError(withoutLiteralValue(o.production ? error.message.replace(/ Did you mean [\s\S]*\?$/, '') : error.message), {
      nodes: error.nodes,
      extensions: { ...error.extensions, code: error.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED' },
    });

  const wsHandler = makeHandler<Record<string, unknown>, { context: GraphQLContext }>({
    schema: o.schema,
    isProd: o.production,
    onSubscribe: (ctx, _id, payload): ExecutionArgs | readonly GraphQLError[] => {
      let document;
      try {
        document = parse(payload.query, { maxTokens: o.maxTokens });
      } catch (error) {
        return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
      }
      const errors = validate(o.schema, document, rules);
      if (errors.length > 0) return errors.map(publicError);
      return {
        schema: o.schema,
        document,
        variableValues: payload.variables ?? undefined,
        operationName: payload.operationName ?? undefined,
        contextValue: o.context(ctx.extra.request),
      };
    },
    // Errors in results (malformed input, a store outage) take the HTTP answers' shape.
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) } : undefined,
  });

  fastify.route({
    method: 'GET',
    url: path,
    // Refused before the upgrade: a browser page from an origin CORS would not serve.
    preValidation: async (request, reply) => {
      if (request.ws && !originAllowed(request.headers.origin, o.corsOrigins)) {
        await reply.code(403).send({ errors: [{ message: 'This origin may not open a WebSocket here', extensions: { code: 'FORBIDDEN_ORIGIN' } }] });
      }
    },
    handler: httpGet,
    wsHandler,
  });
}
