// Turns each stored code into exactly one email. It listens to the store's insert feed,
// claims each record atomically (so replicas never both send), sends what has queued up as one
// provider call (split to find the recipients SendGrid refuses, so the others still go out),
// puts 429/5xx/timeouts back to wait for another attempt until the code expires (the
// provider's Retry-After, else a capped backoff), records the outcome on the record, and
// saves the feed position after each batch so a restart continues where it stopped. A
// periodic sweep picks up anything the feed missed: pending past a grace period, or claimed by
// a dispatcher that died (its lease ran out). While a call is in flight its claims are renewed,
// so a slow provider never lets a second dispatcher take over and send the same code again.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { backoffDelayMs } from './backoff.js';
import { MailError } from '../mail/mailer.js';
import { NO_MERCHANT_EVENTS } from '../webhooks/merchant-events.js';
import { ResumePointLostError, } from '../store/otp.store.js';
/** The SendGrid custom argument that names the code on its events. */
export const OTP_ID_ARG = 'otp_id';
/** Past the next attempt time on the store's clock, with room for a little skew. */
const RETRY_SLACK_MS = 50;
export class Dispatcher {
    worker;
    o;
    subscription = null;
    sweepTimer = null;
    queue = [];
    inFlight = new Set();
    checkpoints = Promise.resolve();
    scheduled = false;
    stopping = false;
    /** Codes waiting for their next attempt in this process. */
    retryTimers = new Set();
    constructor(options) {
        this.o = {
            retryBaseMs: 500,
            retryMaxMs: 30_000,
            leaseSeconds: 60,
            sweepSeconds: 30,
            graceSeconds: 10,
            batchSize: 500,
            maxInFlight: 4,
            lingerMs: 5,
            worker: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
            checkpointName: 'otp-mailer',
            events: NO_MERCHANT_EVENTS,
            ...options,
        };
        this.worker = this.o.worker;
    }
    get running() {
        return this.subscription !== null;
    }
    async start() {
        if (this.subscription)
            return;
        this.stopping = false;
        let saved = false;
        try {
            saved = await this.listen();
        }
        catch (error) {
            // A passing failure (an election, a primary restarting) must not stop the process: keep
            // retrying from the saved position; /readyz says "listener: not running" meanwhile.
            this.feedBroke(error);
        }
        if (this.o.sweepSeconds > 0) {
            this.sweepTimer = setInterval(() => {
                this.sweep().catch((err) => this.o.logger.error({ err }, 'delivery sweep failed'));
            }, this.o.sweepSeconds * 1000);
            this.sweepTimer.unref();
        }
        this.o.logger.info({ worker: this.worker, resumed: saved }, 'dispatcher listening for new codes');
    }
    /** Subscribes from the saved position; returns whether there was one. */
    async listen() {
        const saved = await this.o.store.loadCheckpoint(this.o.checkpointName);
        try {
            await this.subscribe(saved);
        }
        catch (error) {
            if (!(error instanceof ResumePointLostError))
                throw error;
            await this.positionLost(error);
        }
        return saved !== null;
    }
    async subscribe(from) {
        const subscription = await this.o.store.subscribeInserts(from, (event) => this.enqueue(event), (err) => this.feedBroke(err));
        // stop() may have been called while the feed was opening.
        if (this.stopping)
            await subscription.close();
        else
            this.subscription = subscription;
    }
    /**
     * The saved position can no longer be resumed from (it fell out of the oplog): listen from
     * now. Inserts made since the saved position are still in the store: the sweep sends them.
     * Only the store's "position lost" answer leads here; any other failure retries from the
     * same position, so nothing is skipped for a passing error.
     */
    async positionLost(error) {
        this.o.logger.warn({ reason: error.message }, 'feed position lost; listening from now and sweeping at once');
        await this.subscribe(null);
        await this.sweep(true);
    }
    /** A feed that failed after starting, or could not start: report it, and listen again. */
    feedBroke(err) {
        if (this.stopping)
            return;
        this.subscription = null;
        const again = () => (err instanceof ResumePointLostError ? this.positionLost(err) : this.listen());
        this.o.logger.error({ err }, 'insert feed failed; reconnecting in 1 s (the sweep covers the gap)');
        setTimeout(() => {
            if (!this.stopping)
                again().catch((e) => this.feedBroke(e));
        }, 1_000).unref();
    }
    /** Stops listening and finishes what it has claimed; the feed position is saved on the way. */
    async stop() {
        this.stopping = true;
        if (this.sweepTimer)
            clearInterval(this.sweepTimer);
        this.sweepTimer = null;
        // Waiting codes stay pending in the store: another dispatcher's sweep (or this one's, after a restart) sends them.
        for (const timer of this.retryTimers)
            clearTimeout(timer);
        this.retryTimers.clear();
        const subscription = this.subscription;
        this.subscription = null;
        await subscription?.close();
        await this.idle();
    }
    /** Resolves when everything queued so far has been handled and its position saved. */
    async idle() {
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
    async sweep(all = false) {
        const now = this.o.clock.now();
        const pendingBefore = all ? now : new Date(now.getTime() - this.o.graceSeconds * 1000);
        const ids = await this.o.store.findDueDeliveries(now, pendingBefore, this.o.batchSize * 4);
        for (const id of ids)
            await this.enqueue({ id, token: null });
        return ids.length;
    }
    async enqueue(event) {
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
    pump() {
        while (this.queue.length > 0 && this.inFlight.size < this.o.maxInFlight) {
            const batch = this.queue.splice(0, this.o.batchSize);
            const done = this.deliver(batch.map((e) => e.id))
                .catch((err) => {
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
                    .catch((err) => this.o.logger.error({ err }, 'could not save the feed position'));
            }
        }
    }
    async deliver(ids) {
        const now = this.o.clock.now();
        const leaseMs = this.o.leaseSeconds * 1000;
        // Codes another dispatcher holds, or that were replaced or consumed, are not returned.
        const claims = await this.o.store.claimDeliveries(ids, this.worker, leaseMs);
        // Emails of one template (language and wording) share a provider call.
        const groups = new Map();
        for (const record of claims) {
            const code = this.openSealedCode(record);
            if (record.expiresAt <= now || code === null) {
                const error = code === null ? 'sealed code could not be opened (was OTP_SECRET changed?)' : 'expired before it could be sent';
                await this.finish(record, { state: 'failed', at: now, attempts: record.delivery.attempts, error, cause: code === null ? 'refused' : 'expired' });
                continue;
            }
            const { key, template, substitutions } = this.o.emails.for(record, code);
            const group = groups.get(key) ?? { template, items: [] };
            // The record's id comes back on SendGrid's events (the Event Webhook), naming the code.
            group.items.push({ record, recipient: { to: record.email, substitutions, customArgs: { [OTP_ID_ARG]: record.id } }, calls: 0 });
            groups.set(key, group);
        }
        if (groups.size === 0)
            return;
        const all = [...groups.values()];
        await this.whileHoldingClaims(all.flatMap((g) => g.items.map((i) => i.record.id)), () => Promise.all(all.map(({ template, items }) => this.sendGroup(template, items))));
    }
    /** Sends one template's emails and records each one's outcome. */
    async sendGroup(template, items) {
        const results = await this.sendSplitting(template, items);
        const outcomes = results.map(({ item, error }) => ({ item, error, outcome: this.outcomeOf(item, error) }));
        await Promise.all(outcomes.map(({ item, outcome }) => this.finish(item.record, outcome)));
        // At least once, with the same code: a call that may have been accepted is tried again.
        const unconfirmed = outcomes.filter((o) => o.outcome.state === 'retry' && o.error?.unconfirmed).length;
        if (unconfirmed > 0)
            this.o.observer?.retriedUnconfirmed(unconfirmed);
        // One line per kind of outcome, with the first one's reason (they share a call, mostly a reason too).
        const of = (state) => outcomes.map((o) => o.outcome).filter((o) => o.state === state);
        const [sent, failed, retried] = [of('sent'), of('failed'), of('retry')];
        if (sent.length > 0)
            this.o.logger.info({ count: sent.length }, 'emails sent');
        if (failed[0])
            this.o.logger.error({ reason: failed[0].error, count: failed.length }, 'email delivery failed for good');
        if (retried[0])
            this.o.logger.warn({ reason: retried[0].error, count: retried.length, unconfirmed, delayMs: retried[0].retryInMs }, 'email send failed; will retry');
    }
    /**
     * One provider call for `items`. When SendGrid refuses a call of several recipients as a bad
     * request (400: one address it will not take), the call is split in halves and each resent,
     * down to the recipients it refuses alone: the others go out, only those fail. A bad batch of
     * n with k refused addresses costs at most about 2k·log2(n) calls.
     */
    async sendSplitting(template, items) {
        for (const item of items)
            item.calls += 1;
        try {
            await this.o.mailer.send(template, items.map((i) => i.recipient));
            return items.map((item) => ({ item, error: null }));
        }
        catch (err) {
            const error = err instanceof MailError ? err : new MailError('mailer failed unexpectedly', true);
            if (error.status === 400 && items.length > 1) {
                const half = Math.ceil(items.length / 2);
                const first = await this.sendSplitting(template, items.slice(0, half));
                return [...first, ...(await this.sendSplitting(template, items.slice(half)))];
            }
            return items.map((item) => ({ item, error }));
        }
    }
    /**
     * Sent; failed for good (a refusal, or no time left before the code expires); or back to
     * pending after the provider's Retry-After or a backoff: a code stays deliverable until it expires.
     */
    outcomeOf({ record, calls }, error) {
        const at = this.o.clock.now();
        const attempts = record.delivery.attempts + calls;
        if (!error)
            return { state: 'sent', at, attempts };
        if (!error.transient)
            return { state: 'failed', at, attempts, error: error.message, cause: 'refused' };
        const retryInMs = error.retryAfterMs ?? Math.min(backoffDelayMs(attempts, this.o.retryBaseMs), this.o.retryMaxMs);
        if (at.getTime() + retryInMs >= record.expiresAt.getTime()) {
            return { state: 'failed', at, attempts, error: `${error.message}; the code expires before another attempt`, cause: 'expired' };
        }
        return { state: 'retry', attempts, error: error.message, retryInMs };
    }
    /**
     * Renews the claims on `ids` every third of the lease while `work` runs: a provider call
     * slower than the lease must not let another dispatcher take the claim and send again.
     */
    async whileHoldingClaims(ids, work) {
        const leaseMs = this.o.leaseSeconds * 1000;
        const heartbeat = setInterval(() => {
            this.o.store.renewLeases(ids, this.worker, leaseMs).catch((err) => {
                this.o.logger.warn({ err, count: ids.length }, 'could not renew delivery claims; another dispatcher may take them over');
            });
        }, leaseMs / 3);
        try {
            return await work();
        }
        finally {
            clearInterval(heartbeat);
        }
    }
    async finish(record, outcome) {
        // A failed email's webhook is written with the outcome, in one step.
        const webhook = outcome.state === 'failed' ? this.o.events.deliveryFailed({ email: record.email, purpose: record.purpose, requestId: record.id, reason: outcome.cause ?? 'refused' }) : undefined;
        if (!(await this.o.store.completeDelivery(record.id, this.worker, outcome, webhook)))
            return;
        if (outcome.state !== 'retry') {
            this.o.observer?.delivered(record, outcome);
            return;
        }
        this.o.observer?.retried(1);
        // Back in the queue when due; if this process is gone by then, another's sweep finds it.
        const timer = setTimeout(() => {
            this.retryTimers.delete(timer);
            void this.enqueue({ id: record.id, token: null });
        }, outcome.retryInMs + RETRY_SLACK_MS);
        timer.unref();
        this.retryTimers.add(timer);
    }
    openSealedCode(record) {
        if (record.sealedCode === null)
            return null;
        try {
            return this.o.hasher.unseal(record.sealedCode, record.id);
        }
        catch {
            return null;
        }
    }
}
//# sourceMappingURL=dispatcher.js.map