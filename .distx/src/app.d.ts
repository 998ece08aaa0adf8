import { type Clock } from './clock.js';
import type { Config } from './config.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { WebhookSender } from './webhooks/sender.js';
import { type HttpServer } from './http/server.js';
import { type Logger } from './logger.js';
import type { Mailer } from './mail/mailer.js';
import { Metrics } from './ops/metrics.js';
import { Readiness } from './ops/readiness.js';
import type { OtpService } from './otp/otp.service.js';
import type { OtpStore } from './store/otp.store.js';
export interface AppOverrides {
    clock?: Clock;
    logger?: Logger;
    store?: OtpStore;
    mailer?: Mailer;
}
export interface App {
    config: Config;
    logger: Logger;
    store: OtpStore;
    service: OtpService;
    /** Null in an API-only process (ROLE=api). */
    dispatcher: Dispatcher | null;
    /** Sends the merchant webhooks; null without WEBHOOK_URL, or in an API-only process. */
    webhookSender: WebhookSender | null;
    http: HttpServer;
    metrics: Metrics;
    readiness: Readiness;
    /** Starts the dispatcher and the HTTP listener; resolves to the GraphQL URL (a worker's: its base URL). */
    start(): Promise<string>;
    /** Stops taking requests, finishes claimed sends, then closes the store. */
    close(): Promise<void>;
}
export declare function createApp(config: Config, overrides?: AppOverrides): Promise<App>;
