import type { Logger } from '../logger.js';
import { type Mailer, type MailRecipient, type MailTemplate } from './mailer.js';
/** Events in the Event Webhook's shape: { event, sg_event_id, timestamp, …custom args }. */
export type PlayedEvents = (events: Record<string, string | number>[]) => Promise<unknown>;
/** `you+bounce@…` bounces, `you+drop@…` is dropped, any other address is delivered. */
export declare function playedEvent(address: string): 'delivered' | 'bounce' | 'dropped';
export declare class LogMailer implements Mailer {
    private readonly logger;
    private readonly play?;
    readonly kind: 'log';
    constructor(logger: Logger, play?: PlayedEvents | undefined);
    send(template: MailTemplate, recipients: MailRecipient[]): Promise<void>;
}
