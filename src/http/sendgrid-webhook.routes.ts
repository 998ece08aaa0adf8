// POST /webhooks/sendgrid: SendGrid's signed Event Webhook. Only signed, fresh requests are
// read: the ECDSA P-256 signature over timestamp + body is checked against the key from
// SENDGRID_WEBHOOK_PUBLIC_KEY; a missing or bad signature, or a timestamp older (or further
// ahead) than SENDGRID_WEBHOOK_MAX_AGE_SECONDS, is 403 and changes nothing. A replay within
// that window changes nothing either: every event is recorded once by its sg_event_id.
//
// Cheap to refuse, since anyone can post here: each client network's posts are counted before
// anything else (SENDGRID_WEBHOOK_MAX_POSTS_PER_MINUTE, 429 past it); the signature is checked
// with node:crypto's native ECDSA (a forged one cost 6.5 ms of event loop in the pure-JS
// verifier of @sendgrid/eventwebhook, and ~140 forged posts a second took requestOtp's median
// from 6 to 759 ms); and refusals are counted in a metric, logged at most once a minute.
import { verify, type KeyObject } from 'node:crypto';
import { LogOncePer } from '../log-once-per.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendGridKey } from '../config/checks.js';
import { ClientGate } from '../edge/client-gate.js';
import { clientNetwork } from '../edge/client-network.js';
import type { Logger } from '../logger.js';
import type { SendGridEvents } from '../delivery/sendgrid-events.js';
import type { Metrics } from '../ops/metrics.js';

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

/** SendGrid's headers (as @sendgrid/eventwebhook names them), lower-cased as Node gives them. */
const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/** How often a refusal may reach the log: the rest are only counted (otp_webhook_requests_total). */
const REFUSAL_LOG_EVERY_MS = 60_000;

/**
 * SendGrid's own rule (@sendgrid/eventwebhook's verifySignature): ECDSA with SHA-256 over the
 * timestamp followed by the body read as UTF-8, the signature DER in base64.
 */
export function sendGridSignatureValid(key: KeyObject, body: Buffer, signature: string, timestamp: string): boolean {
  try {
    return verify('sha256', Buffer.from(timestamp + body.toString('utf8'), 'utf8'), { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    return false; // an unreadable signature is a bad one
  }
}

export interface SendGridWebhookOptions {
  publicKey: string;
  maxAgeSeconds: number;
  maxPostsPerMinute: number;
  /** How IPv6 clients are counted (CLIENT_IPV6_PREFIX_LENGTH). */
  ipv6PrefixLength: number;
  events: SendGridEvents;
  metrics: Metrics;
  logger: Logger;
  now: () => Date;
}

export async function registerSendGridWebhook(fastify: FastifyInstance, o: SendGridWebhookOptions): Promise<void> {
  const key = sendGridKey(o.publicKey);
  if (!key) throw new Error('SENDGRID_WEBHOOK_PUBLIC_KEY is not an ECDSA P-256 public key'); // the configuration refuses it first
  const signatureHeader = SIGNATURE_HEADER;
  const timestampHeader = TIMESTAMP_HEADER;
  const posts = new ClientGate({ perWindow: o.maxPostsPerMinute, windowMs: 60_000, inFlightPerClient: Infinity, inFlight: Infinity });
  const refusals = new LogOncePer(REFUSAL_LOG_EVERY_MS);
  /** Counted always (the metric); logged at most once a minute, with how many were refused since. */
  const refused = (outcome: string, peer: string) =>
    refusals.say((leftOut) =>
      o.logger.warn({ outcome, peer, refusedSinceLastLine: leftOut + 1 }, 'SendGrid webhook requests refused (counted in otp_webhook_requests_total; logged at most once a minute)'),
    );

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
      const refuse = (outcome: 'unsigned' | 'stale' | 'busy' | 'limited', status: number, message: string, retryAfterSeconds = 5) => {
        if (outcome !== 'busy') o.metrics.webhook(outcome);
        if (outcome === 'busy' || outcome === 'limited') reply.header('retry-after', String(retryAfterSeconds));
        return reply.code(status).header('connection', 'close').send({ error: message });
      };
      // First of all, the client's own count: everything after it costs something.
      const limited = posts.take(clientNetwork(request.ip, o.ipv6PrefixLength));
      if (limited) return refuse('limited', 429, 'too many requests from this client: try again shortly', limited.reason === 'rate' ? Math.ceil(limited.retryAfterMs / 1000) : 5);
      if (typeof signature !== 'string' || !SIGNATURE_SHAPE.test(signature) || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) {
        return refuse('unsigned', 403, 'a signed SendGrid event webhook request is required');
      }
      if (Math.abs(o.now().getTime() / 1000 - Number(timestamp)) > o.maxAgeSeconds) return refuse('stale', 403, 'the signature timestamp is too old or too far ahead');
      if (inFlight >= WEBHOOK_MAX_BODIES_IN_FLIGHT) return refuse('busy', 503, 'busy: try again shortly');
      inFlight += 1;
      reply.raw.once('close', () => (inFlight -= 1));
      return undefined;
    });

    scope.post(SENDGRID_WEBHOOK_PATH, async (request, reply) => {
      const refuse = (outcome: 'unsigned' | 'bad_signature' | 'stale' | 'malformed', status: number, message: string): FastifyReply => {
        o.metrics.webhook(outcome);
        refused(outcome, request.ip);
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
      if (!sendGridSignatureValid(key, body, signature, timestamp)) return refuse('bad_signature', 403, 'the signature does not verify');

      let events: unknown;
      try {
        events = JSON.parse(body.toString('utf8'));
      } catch {
        events = null;
      }
      if (!Array.isArray(events)) return refuse('malformed', 400, 'the body must be a JSON array of events');
      o.metrics.webhook('accepted');
      await o.events.record(events);
      return reply.code(204).send();
    });
  });
}
