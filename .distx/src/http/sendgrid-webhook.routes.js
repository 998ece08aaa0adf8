// POST /webhooks/sendgrid: SendGrid's signed Event Webhook. Only signed, fresh requests are
// read: the ECDSA signature over timestamp + raw body is checked with SendGrid's own helper
// (@sendgrid/eventwebhook) against the key from SENDGRID_WEBHOOK_PUBLIC_KEY; a missing or bad
// signature, or a timestamp older (or further ahead) than SENDGRID_WEBHOOK_MAX_AGE_SECONDS, is
// 403 and changes nothing. A replay within that window changes nothing either: every event is
// recorded once by its sg_event_id.
import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
export const SENDGRID_WEBHOOK_PATH = '/webhooks/sendgrid';
/**
 * SendGrid's Event Webhook documentation says it posts a batch every 30 s or when the batch
 * reaches 768 KB, whichever comes first: 1 MiB leaves room for that and refuses anything larger
 * on its Content-Length alone (413), before reading it.
 */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/**
 * Bodies read at once. A forged post with a well-formed signature and a fresh timestamp gets
 * past the header check, so what such posts can hold is this many bodies (16 MiB); the rest are
 * told 503 to come back, as SendGrid does for 24 hours.
 */
export const WEBHOOK_MAX_BODIES_IN_FLIGHT = 16;
/** An ECDSA P-256 signature, DER, base64: about 96 characters; anything far from it is not one. */
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/]{60,140}={0,2}$/;
export async function registerSendGridWebhook(fastify, o) {
    const verifier = new EventWebhook();
    const key = verifier.convertPublicKeyToECDSA(o.publicKey);
    const signatureHeader = EventWebhookHeader.SIGNATURE().toLowerCase();
    const timestampHeader = EventWebhookHeader.TIMESTAMP().toLowerCase();
    let inFlight = 0;
    // Its own scope: the signature covers the raw bytes, so this route reads JSON bodies as bytes.
    await fastify.register(async (scope) => {
        scope.removeContentTypeParser('application/json');
        scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
        // Before a byte of the body is read: a missing, malformed or stale signature header is
        // refused, and past the in-flight cap so is everything; the connection is closed after the
        // answer, so a refused sender holds nothing.
        scope.addHook('onRequest', async (request, reply) => {
            const signature = request.headers[signatureHeader];
            const timestamp = request.headers[timestampHeader];
            const refuse = (outcome, status, message) => {
                if (outcome !== 'busy')
                    o.metrics.webhook(outcome);
                if (outcome === 'busy')
                    reply.header('retry-after', '5');
                return reply.code(status).header('connection', 'close').send({ error: message });
            };
            if (typeof signature !== 'string' || !SIGNATURE_SHAPE.test(signature) || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) {
                return refuse('unsigned', 403, 'a signed SendGrid event webhook request is required');
            }
            if (Math.abs(o.now().getTime() / 1000 - Number(timestamp)) > o.maxAgeSeconds)
                return refuse('stale', 403, 'the signature timestamp is too old or too far ahead');
            if (inFlight >= WEBHOOK_MAX_BODIES_IN_FLIGHT)
                return refuse('busy', 503, 'busy: try again shortly');
            inFlight += 1;
            reply.raw.once('close', () => (inFlight -= 1));
            return undefined;
        });
        scope.post(SENDGRID_WEBHOOK_PATH, async (request, reply) => {
            const refuse = (outcome, status, message) => {
                o.metrics.webhook(outcome);
                o.logger.warn({ outcome, peer: request.ip }, 'SendGrid webhook request refused');
                return reply.code(status).send({ error: message });
            };
            const signature = request.headers[signatureHeader];
            const timestamp = request.headers[timestampHeader];
            const body = request.body;
            if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp) || !Buffer.isBuffer(body)) {
                return refuse('unsigned', 403, 'a signed SendGrid event webhook request is required');
            }
            if (Math.abs(o.now().getTime() / 1000 - Number(timestamp)) > o.maxAgeSeconds) {
                return refuse('stale', 403, 'the signature timestamp is too old or too far ahead');
            }
            let valid = false;
            try {
                valid = verifier.verifySignature(key, body, signature, timestamp);
            }
            catch {
                valid = false; // an unreadable signature is a bad one
            }
            if (!valid)
                return refuse('bad_signature', 403, 'the signature does not verify');
            let events;
            try {
                events = JSON.parse(body.toString('utf8'));
            }
            catch {
                events = null;
            }
            if (!Array.isArray(events))
                return refuse('malformed', 400, 'the body must be a JSON array of events');
            o.metrics.webhook('accepted');
            await o.events.record(events);
            return reply.code(204).send();
        });
    });
}
//# sourceMappingURL=sendgrid-webhook.routes.js.map