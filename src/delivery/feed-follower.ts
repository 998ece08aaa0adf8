// Follows the store's insert feed for the dispatcher: subscribes from the saved position,
// reconnects when the feed breaks (from the same position; from now, with a full sweep, when
// that position is lost), sweeps for overdue emails on a timer, queues what it hears, hands
// it over in batches (up to `maxInFlight` at once) and saves each batch's feed position, in
// feed order, once that batch is done.
import { ResumePointLostError, type FeedSubscription, type FeedItem } from '../store/delivery-queue.js';
import type { DispatcherSettings } from './dispatcher.types.js';
import { LogOncePer, OUTAGE_LOG_PERIOD_MS } from '../log-once-per.js';

export class FeedFollower {
  private subscription: FeedSubscription | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly queue: FeedItem[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private checkpoints: Promise<void> = Promise.resolve();
  private scheduled = false;
  private stopping = false;
  /** A lost database fails every reconnect and sweep: each said once a minute. */
  private readonly feedFailures = new LogOncePer(OUTAGE_LOG_PERIOD_MS);
  private readonly sweepFailures = new LogOncePer(OUTAGE_LOG_PERIOD_MS);

  constructor(
    private readonly o: DispatcherSettings,
    /** Sends one batch of emails, by their codes' ids. */
    private readonly deliver: (ids: string[]) => Promise<void>,
  ) {}

  get running(): boolean {
    return this.subscription !== null;
  }

  /** Listens from the saved position and starts the sweep timer; returns whether a position was saved. */
  async start(): Promise<boolean> {
    if (this.subscription) return true;
    this.stopping = false;
    let saved = false;
    try {
      saved = await this.listen();
    } catch (error) {
      // A passing failure (an election, a primary restarting) must not stop the process: keep
      // retrying from the saved position; /readyz says "listener: not running" meanwhile.
      this.feedBroke(error);
    }
    if (this.o.sweepSeconds > 0) {
      this.sweepTimer = setInterval(() => {
        this.sweep().catch((err: unknown) => this.sweepFailures.say((leftOut) => this.o.logger.error({ err, leftOutSinceLastLine: leftOut }, 'delivery sweep failed (said at most once a minute)')));
      }, this.o.sweepSeconds * 1000);
      this.sweepTimer.unref();
    }
    return saved;
  }

  /** Subscribes from the saved position; returns whether there was one. */
  private async listen(): Promise<boolean> {
    const saved = await this.o.store.loadCheckpoint(this.o.checkpointName);
    try {
      await this.subscribe(saved);
    } catch (error) {
      if (!(error instanceof ResumePointLostError)) throw error;
      await this.positionLost(error);
    }
    return saved !== null;
  }

  private async subscribe(from: string | null): Promise<void> {
    const subscription = await this.o.store.subscribeInserts(
      from,
      (event) => this.enqueue(event),
      (err) => this.feedBroke(err),
    );
    // stop() may have been called while the feed was opening.
    if (this.stopping) await subscription.close();
    else this.subscription = subscription;
  }

  /**
   * The saved position can no longer be resumed from (it fell out of the oplog): listen from
   * now. Inserts made since the saved position are still in the store: the sweep sends them.
   * Only the store's "position lost" answer leads here; any other failure retries from the
   * same position, so nothing is skipped for a passing error.
   */
  private async positionLost(error: ResumePointLostError): Promise<void> {
    this.o.logger.warn({ reason: error.message }, 'feed position lost; listening from now and sweeping at once');
    await this.subscribe(null);
    await this.sweep(true);
  }

  /** A feed that failed after starting, or could not start: report it, and listen again. */
  private feedBroke(err: unknown): void {
    if (this.stopping) return;
    this.subscription = null;
    const again = () => (err instanceof ResumePointLostError ? this.positionLost(err) : this.listen());
    this.feedFailures.say((leftOut) => this.o.logger.error({ err, leftOutSinceLastLine: leftOut }, 'insert feed failed; reconnecting every second (the sweep covers the gap; said at most once a minute)'));
    setTimeout(() => {
      if (!this.stopping) again().catch((e: unknown) => this.feedBroke(e));
    }, 1_000).unref();
  }

  /** Stops listening; what is queued and in flight is finished, its position saved (see idle). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.close();
    await this.idle();
  }

  /** Resolves when everything queued so far has been handled and its position saved. */
  async idle(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0 || this.scheduled) {
      // Wait for a batch to finish or the next turn (when a scheduled pump runs).
      await Promise.race([...this.inFlight, new Promise((resolve) => setTimeout(resolve, this.o.lingerMs))]);
    }
    await this.checkpoints;
  }

  /**
   * Queues records whose delivery is overdue. `all` ignores the grace period (used when the
   * feed position was lost and every pending record may have been missed).
   */
  async sweep(all = false): Promise<number> {
    const now = this.o.clock.now();
    const pendingBefore = all ? now : new Date(now.getTime() - this.o.graceSeconds * 1000);
    const ids = await this.o.store.findDueDeliveries(now, pendingBefore, this.o.batchSize * 4);
    for (const id of ids) await this.enqueue({ id, token: null });
    return ids.length;
  }

  async enqueue(event: FeedItem): Promise<void> {
    this.queue.push(event);
    if (!this.scheduled) {
      // Wait `lingerMs` so that inserts arriving together leave as one provider call: under
      // load, fewer and larger SendGrid calls cost the process much less than many small ones.
      this.scheduled = true;
      setTimeout(() => {
        this.scheduled = false;
        this.pump();
      }, this.o.lingerMs);
    }
  }

  /**
   * Starts batches while there is work and room: up to `maxInFlight` provider calls at once,
   * so one slow answer does not hold every email behind it.
   */
  private pump(): void {
    while (this.queue.length > 0 && this.inFlight.size < this.o.maxInFlight) {
      const batch = this.queue.splice(0, this.o.batchSize);
      const done: Promise<void> = this.deliver(batch.map((e) => e.id))
        .catch((err: unknown) => {
          // A store failure: the records stay pending or claimed, and the sweep retries them.
          this.o.logger.error({ err, count: batch.length }, 'delivery batch failed; the sweep will retry it');
        })
        .finally(() => {
          this.inFlight.delete(done);
          this.pump();
        });
      this.inFlight.add(done);
      // Positions are saved in feed order: each waits for its own batch and every earlier save.
      const token = batch.findLast((e) => e.token !== null)?.token;
      if (token) {
        this.checkpoints = this.checkpoints
          .then(() => done)
          .then(() => this.o.store.saveCheckpoint(this.o.checkpointName, token))
          .catch((err: unknown) => this.o.logger.error({ err }, 'could not save the feed position'));
      }
    }
  }
}
