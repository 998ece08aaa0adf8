// The merchant outbox role of the store: signed webhooks to the merchant's backend, written
// with the change they report and kept until delivered, so a restart or another replica
// still sends them.

/** A signed webhook to the merchant's backend, waiting in the store until it is delivered. */
export interface OutboxEvent {
  /** The Standard Webhooks message id: the same on every try. */
  id: string;
  type: string;
  /** The JSON body, exactly as signed and sent. */
  payload: string;
  createdAt: Date;
  /** Tries so far. */
  attempts: number;
  /** The W3C traceparent of what made it (null or absent when nothing is traced). */
  trace?: string | null;
  /** The merchant whose payment it is about (absent: none): only that merchant may replay it. */
  merchant?: string;
}

/**
 * A webhook as the service makes it, handed to the store with the change it reports (a check,
 * a delivery outcome, a provider event) so that both are written in one atomic step: if the
 * event cannot be recorded, the change does not happen either.
 */
export type NewWebhook = Pick<OutboxEvent, 'id' | 'type' | 'payload' | 'createdAt' | 'trace' | 'merchant'>;

/** What became of one try: delivered (removed), given up on (removed), or due again later. */
export type OutboxOutcome =
  | { state: 'delivered' }
  | { state: 'abandoned'; error: string }
  | { state: 'retry'; retryInMs: number; error: string };

/** The outbox of merchant webhooks: kept in the store so a restart or another replica still sends them. */
export interface WebhookOutbox {
  /** Puts an event in the outbox; an id already there is left as it is. */
  enqueueWebhook(event: NewWebhook): Promise<void>;
  /**
   * Moves up to `limit` events written beside their change (MongoDB keeps them in the
   * address's document until then) into the outbox; returns how many it moved. The embedded
   * store writes them into its outbox at once: nothing to move.
   */
  relayWebhooks(limit: number): Promise<number>;
  /** Claims up to `limit` events that are due (store's clock) for `worker`, for `leaseMs`. */
  claimWebhooks(worker: string, leaseMs: number, limit: number): Promise<OutboxEvent[]>;
  /** Records a try's outcome if `worker` still holds the claim. */
  completeWebhook(id: string, worker: string, outcome: OutboxOutcome): Promise<boolean>;
  /**
   * Makes `merchant`'s event due again at once, delivered or not, under its own id (kept a day
   * after it was finished: WEBHOOK_REPLAY_MS); false when it has no such event.
   */
  replayWebhook(id: string, merchant: string): Promise<boolean>;
}

/** How long a finished (delivered, or given up) event stays in the outbox, to be replayed. */
export const WEBHOOK_REPLAY_MS = 24 * 3600 * 1000;
