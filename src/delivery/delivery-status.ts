// A code's delivery as a frontend sees it (otpDelivery, otpDeliveryChanged): the store's state,
// or EXPIRED once the code has died before its email got anywhere final. Nothing here names the
// address or the code: the request id (the code's id, 122 random bits) is the only handle, and
// an unknown id and one whose code is gone answer alike (null, or a subscription that ends).
//
// Watching: one store feed per process (MongoDB: a change stream, so a state set on another
// replica is seen here) wakes the watchers of the ids it names; they then read their code's
// state, so a missed or merged wake-up never shows a stale state. The watchers of one id share
// one read: a change wakes one store read however many are watching (issue 22, row 1: 5,000
// watchers of one id cost 5,006 queries per SendGrid event).
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { checkRequestId } from '../otp/otp.input.js';
import type { DeliveryQueue, DeliveryStatus, FeedSubscription } from '../store/delivery-queue.js';
import type { DeliveryState } from '../store/record.js';

export enum OtpDeliveryState {
  PENDING = 'PENDING',
  SENDING = 'SENDING',
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  DEFERRED = 'DEFERRED',
  BOUNCED = 'BOUNCED',
  DROPPED = 'DROPPED',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
}

export interface OtpDeliveryView {
  requestId: string;
  state: OtpDeliveryState;
  updatedAt: Date;
}

const STATES: Record<DeliveryState, OtpDeliveryState> = {
  pending: OtpDeliveryState.PENDING,
  sending: OtpDeliveryState.SENDING,
  sent: OtpDeliveryState.SENT,
  delivered: OtpDeliveryState.DELIVERED,
  deferred: OtpDeliveryState.DEFERRED,
  bounced: OtpDeliveryState.BOUNCED,
  dropped: OtpDeliveryState.DROPPED,
  failed: OtpDeliveryState.FAILED,
};

/** States after which nothing more will happen: a subscription completes on them. */
const FINAL = new Set([OtpDeliveryState.DELIVERED, OtpDeliveryState.BOUNCED, OtpDeliveryState.DROPPED, OtpDeliveryState.FAILED, OtpDeliveryState.EXPIRED]);

export const isFinal = (state: OtpDeliveryState) => FINAL.has(state);

/** The view of a stored status at `now`: a code that died before its email got anywhere final is EXPIRED. */
export function viewOf(requestId: string, status: DeliveryStatus, now: Date): OtpDeliveryView {
  const state = STATES[status.state];
  if (!isFinal(state) && status.expiresAt <= now) return { requestId, state: OtpDeliveryState.EXPIRED, updatedAt: status.expiresAt };
  return { requestId, state, updatedAt: status.updatedAt };
}

export class DeliveryStatuses {
  /** Wake-up calls by request id. */
  private readonly watchers = new Map<string, Set<() => void>>();
  /** The store read in flight per watched id, shared by every watcher that wants one; dropped on a change, so a wake-up never joins a read from before it. */
  private readonly reads = new Map<string, Promise<DeliveryStatus | null>>();
  private feed: Promise<FeedSubscription> | null = null;
  private closed = false;

  constructor(
    private readonly store: Pick<DeliveryQueue, 'deliveryStatus' | 'subscribeDeliveryChanges'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async get(requestId: string): Promise<OtpDeliveryView | null> {
    checkRequestId(requestId);
    return (await this.read(requestId))?.view ?? null;
  }

  /**
   * The code's delivery now, then each change, until it is final or the code expires (or is
   * gone). Ends at once for an unknown id. Stopping early (`return()`) unhooks it at once.
   */
  watch(requestId: string): AsyncIterableIterator<OtpDeliveryView> {
    checkRequestId(requestId);
    return new DeliveryWatch(requestId, this);
  }

  /** @internal Reads a status with the expiry a watcher waits for (the id was checked by get or watch). */
  async read(requestId: string, shared = false): Promise<{ view: OtpDeliveryView; expiresAt: Date } | null> {
    const status = await (shared ? this.sharedRead(requestId) : this.store.deliveryStatus(requestId));
    return status && { view: viewOf(requestId, status, this.clock.now()), expiresAt: status.expiresAt };
  }

  /**
   * A watcher's read: joins the one in flight for the id, if any. Safe because every change
   * drops the id's read before it wakes anyone (see changed): a read joined here started after
   * the last change this process was told of, and any later change wakes the watcher again.
   * (A one-off query does not join: it must not be answered from a read older than itself.)
   */
  private sharedRead(requestId: string): Promise<DeliveryStatus | null> {
    let pending = this.reads.get(requestId);
    if (!pending) {
      const read = this.store.deliveryStatus(requestId).finally(() => {
        if (this.reads.get(requestId) === read) this.reads.delete(requestId);
      });
      this.reads.set(requestId, read);
      pending = read;
    }
    return pending;
  }

  private changed(ids: Iterable<string>): void {
    for (const id of ids) {
      this.reads.delete(id);
      this.watchers.get(id)?.forEach((wake) => wake());
    }
  }

  /** @internal */
  async hook(requestId: string, wake: () => void): Promise<void> {
    const set = this.watchers.get(requestId) ?? new Set();
    set.add(wake);
    this.watchers.set(requestId, set);
    await this.openFeed();
  }

  /** @internal */
  unhook(requestId: string, wake: () => void): void {
    const set = this.watchers.get(requestId);
    set?.delete(wake);
    if (set?.size === 0) this.watchers.delete(requestId);
  }

  async close(): Promise<void> {
    this.closed = true;
    const feed = this.feed;
    this.feed = null;
    await (await feed?.catch(() => null))?.close();
  }

  /** One feed for every watcher of this process, opened with the first; reopened a second after a break. */
  private async openFeed(): Promise<void> {
    if (this.closed) return;
    this.feed ??= this.store.subscribeDeliveryChanges(
      (ids) => this.changed(ids),
      (err) => this.feedBroke(err),
    );
    try {
      await this.feed;
    } catch (err) {
      this.feedBroke(err);
    }
  }

  private feedBroke(err: unknown): void {
    this.feed = null;
    if (this.closed) return;
    this.logger.warn({ err }, 'delivery status feed failed; reopening in 1 s');
    setTimeout(() => {
      if (this.closed || this.watchers.size === 0) return;
      // Whatever changed meanwhile: every watcher reads again.
      void this.openFeed().then(() => this.changed([...this.watchers.keys()]));
    }, 1_000).unref();
  }
}

/** One subscriber's stream of views (see DeliveryStatuses.watch). */
class DeliveryWatch implements AsyncIterableIterator<OtpDeliveryView> {
  private started = false;
  private done = false;
  private changed = true;
  private waiting: (() => void) | null = null;
  private last: string | null = null;
  private readonly wake = () => {
    this.changed = true;
    this.waiting?.();
  };

  constructor(
    private readonly requestId: string,
    private readonly statuses: DeliveryStatuses,
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<OtpDeliveryView> {
    return this;
  }

  async next(): Promise<IteratorResult<OtpDeliveryView>> {
    if (!this.started) {
      this.started = true;
      await this.statuses.hook(this.requestId, this.wake);
    }
    while (!this.done) {
      if (!this.changed) await this.sleep();
      if (this.done) break;
      this.changed = false;
      const read = await this.statuses.read(this.requestId, true);
      if (!read) break; // unknown, or gone (verified, replaced, deleted)
      const { view } = read;
      const key = `${view.state}@${view.updatedAt.getTime()}`;
      if (isFinal(view.state)) this.done = true; // this view is the last
      else this.expiresAt = read.expiresAt;
      if (key !== this.last) {
        this.last = key;
        if (this.done) this.unhook();
        return { value: view, done: false };
      }
    }
    return this.return();
  }

  async return(): Promise<IteratorResult<OtpDeliveryView>> {
    this.done = true;
    this.unhook();
    this.waiting?.();
    return { value: undefined, done: true };
  }

  private expiresAt: Date | null = null;

  /** Until a wake-up, or the code's expiry (to report EXPIRED). */
  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const untilExpiry = this.expiresAt ? Math.max(0, this.expiresAt.getTime() - Date.now()) + 10 : 60_000;
      const timer = setTimeout(() => {
        this.changed = true;
        resolve();
      }, untilExpiry);
      timer.unref();
      this.waiting = () => {
        clearTimeout(timer);
        this.waiting = null;
        resolve();
      };
    });
  }

  private unhook(): void {
    this.statuses.unhook(this.requestId, this.wake);
  }
}
