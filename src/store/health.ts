// The health role of the store: what it is, whether it answers, whether an error means
// "unreachable for now" (worth a retry), and closing it.

export interface StoreHealth {
  /** Which adapter this is, for logs and readiness. */
  readonly kind: 'mongodb';

  /** Whether `error` (from this store) means "unreachable for now": worth a retry. */
  isUnavailable(error: unknown): boolean;

  /** Answers when the store is reachable. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/** The store could not be reached (no primary, network): the caller may retry shortly. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the store is unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}
