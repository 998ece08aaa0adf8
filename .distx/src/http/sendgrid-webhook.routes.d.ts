import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import type { SendGridEvents } from '../delivery/sendgrid-events.js';
import type { Metrics } from '../ops/metrics.js';
export declare const SENDGRID_WEBHOOK_PATH = "/webhooks/sendgrid";
/**
 * SendGrid's Event Webhook documentation says it posts a batch every 30 s or when the batch
 * reaches 768 KB, whichever comes first: 1 MiB leaves room for that and refuses anything larger
 * on its Content-Length alone (413), before reading it.
 */
export declare const WEBHOOK_BODY_LIMIT: number;
/**
 * Bodies read at once. A forged post with a well-formed signature and a fresh timestamp gets
 * past the header check, so what such posts can hold is this many bodies (16 MiB); the rest are
 * told 503 to come back, as SendGrid does for 24 hours.
 */
export declare const WEBHOOK_MAX_BODIES_IN_FLIGHT = 16;
export interface SendGridWebhookOptions {
    publicKey: string;
    maxAgeSeconds: number;
    events: SendGridEvents;
    metrics: Metrics;
    logger: Logger;
    now: () => Date;
}
export declare function registerSendGridWebhook(fastify: FastifyInstance, o: SendGridWebhookOptions): Promise<void>;
