// GraphQL over WebSocket at /graphql with graphql-ws (the protocol Apollo Client and urql
// speak), for otpDeliveryChanged. The same rules as over HTTP: browsers' origins are checked
// against CORS_ORIGINS, every operation is parsed with the token cap and validated with the
// same query limits, the context carries the caller's address (so mutations sent this way
// count against the same per-client limits), and errors are formatted the same way.
import websocket from '@fastify/websocket';
import { GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate } from 'graphql';
import { makeHandler } from 'graphql-ws/use/@fastify/websocket';
import { Connection } from '../edge/subscription-caps.js';
import { formatError, withoutLiteralValue, withoutSuggestions } from '../graphql/errors.js';
/** graphql-ws leaves 4400–4499 to applications; 4429 mirrors HTTP's 429. */
const TOO_MANY = 4429;
const CAP_MESSAGES = {
    connections_per_client: 'Too many open WebSocket connections from this client',
    subscriptions_per_connection: 'Too many live subscriptions on this connection',
    subscriptions_per_client: 'Too many live subscriptions from this client',
};
/**
 * Closes a flooding socket with 4429: the close frame is sent, reading stops at once (a flood's
 * buffered messages would otherwise each be parsed and refused), and the connection is cut a
 * second later whether or not the client answers the close.
 */
function hangUp(socket) {
    if (socket.readyState !== socket.OPEN)
        return;
    socket.close(TOO_MANY, 'Too many refused subscriptions');
    socket.pause();
    setTimeout(() => socket.terminate(), 1_000).unref();
}
/** A cap's refusal in the documented error shape: the cap's code and its number, nothing else. */
export const capError = ({ cap, max }) => ({
    message: `${CAP_MESSAGES[cap]} (at most ${max}). Close one before opening another.`,
    extensions: { code: cap === 'connections_per_client' ? 'TOO_MANY_CONNECTIONS' : 'TOO_MANY_SUBSCRIPTIONS', max },
});
/**
 * Whether a WebSocket upgrade from `origin` may proceed. Browsers always send Origin and cannot
 * be trusted to honour CORS for WebSockets (there is no preflight), so the server checks it;
 * a client without one is not a browser, and CORS never applied to it either.
 */
export function originAllowed(origin, allowed) {
    if (origin === undefined)
        return true;
    return allowed === true || (Array.isArray(allowed) && allowed.includes(origin));
}
/** Registers the WebSocket side of `path`; the HTTP handler for GET stays as it was. */
export async function registerGraphQLWs(fastify, path, httpGet, o) {
    await fastify.register(websocket, { options: { maxPayload: o.maxPayloadBytes } });
    const rules = [...specifiedRules, ...o.validationRules, ...(o.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
    // As over HTTP: no "Did you mean …?" in production, and no inline value quoted back.
    const publicError = (error) => new GraphQLError(withoutLiteralValue(o.production ? withoutSuggestions(error.message) : error.message), {
        nodes: error.nodes,
        extensions: { ...error.extensions, code: error.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED' },
    });
    // Each socket's live subscriptions, counted against the caps from admission to completion.
    const connections = new WeakMap();
    const handler = makeHandler({
        schema: o.schema,
        isProd: o.production,
        onSubscribe: (ctx, id, payload) => {
            // The caps first: a refusal costs no parse, no validation and no store read.
            const connection = connections.get(ctx.extra.socket);
            const refused = connection ? connection.start(id) : { cap: 'subscriptions_per_connection', max: 0 };
            if (refused) {
                // A client that keeps sending past its cap is closed, and what it already sent is not
                // read: each refusal is work and a frame to write.
                if (connection?.exhausted)
                    hangUp(ctx.extra.socket);
                const { message, extensions } = capError(refused);
                return [new GraphQLError(message, { extensions })];
            }
            let document;
            try {
                document = parse(payload.query, { maxTokens: o.maxTokens });
            }
            catch (error) {
                return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
            }
            const errors = validate(o.schema, document, rules);
            if (errors.length > 0)
                return errors.map(publicError);
            return {
                schema: o.schema,
                document,
                variableValues: payload.variables ?? undefined,
                operationName: payload.operationName ?? undefined,
                contextValue: o.context(ctx.extra.request),
            };
        },
        // Errors in results (malformed input, a store outage) take the HTTP answers' shape.
        onNext: (_ctx, _id, _payload, _args, result) => result.errors ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) } : undefined,
        // An operation's end, however it ends, frees its place under the caps.
        onComplete: (ctx, id) => connections.get(ctx.extra.socket)?.end(id),
        onError: (ctx, id) => connections.get(ctx.extra.socket)?.end(id),
    });
    // Counts the connection for its client (a burst of upgrades may pass the pre-upgrade check
    // together: the one past the cap is closed at once) and frees it when the socket closes.
    const wsHandler = function (socket, request) {
        const connection = o.caps.connect(request.ip);
        if (!(connection instanceof Connection)) {
            socket.close(TOO_MANY, capError(connection).message);
            return;
        }
        connections.set(socket, connection);
        socket.once('close', () => connection.close());
        handler.call(this, socket, request);
    };
    fastify.route({
        method: 'GET',
        url: path,
        // Refused before the upgrade: a browser page from an origin CORS would not serve.
        preValidation: async (request, reply) => {
            if (!request.ws)
                return;
            if (!originAllowed(request.headers.origin, o.corsOrigins)) {
                await reply.code(403).send({ errors: [{ message: 'This origin may not open a WebSocket here', extensions: { code: 'FORBIDDEN_ORIGIN' } }] });
                return;
            }
            const refused = o.caps.mayConnect(request.ip);
            if (refused)
                await reply.code(429).send({ errors: [capError(refused)] });
        },
        handler: httpGet,
        wsHandler,
    });
}
//# sourceMappingURL=graphql-ws.js.map