// Concurrent requests' writes, sent together. Each request's claims are an ordered sequence of
// updates (its caller's counter, the shared budgets, the intent marker, the address): the
// sequences handed over in one turn of the event loop leave as one ordered bulk write, one
// after another, so the server applies them exactly as if each request had sent its own
// command in that order, and the process pays one round trip for all of them. On this machine
// a round trip costs more CPU than everything else a request does (issue 25).
//
// Ordered, a refusal (a duplicate key, see clientStep; or refuseUnless's error) stops the whole command where it
// happens. The sequence it belongs to hears of it with its own index; the sequences before it
// were applied; the ones after it had not run yet, and go again in the next command. So every
// request learns its own outcome as if it had been alone.
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';

/** One request's outcome: every update applied, or the first one that failed (its index in the sequence). */
export type SequenceResult = { applied: true } | { failedAt: number; code: number | undefined; error: StepWriteError };

/**
 * One sequence's failed update, out of a command shared with others: the bulk write's error
 * names the first failure of the command, which may be another request's.
 */
export class StepWriteError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
    options: { cause: MongoBulkWriteError },
  ) {
    super(message, options);
    this.name = 'StepWriteError';
  }
}

const stepError = (failure: { code?: number; errmsg?: string }, error: MongoBulkWriteError) => new StepWriteError(failure.code, failure.errmsg ?? error.message, { cause: error });

interface Pending {
  operations: AnyBulkWriteOperation<Document>[];
  resolve: (result: SequenceResult) => void;
  reject: (error: unknown) => void;
}

/** Updates in one command at most: a command's answer waits for its slowest update. */
const MAX_OPERATIONS = 500;

/** A bulk write's write errors, each with its index and code (the driver gives one alone unwrapped). */
const writeErrorsOf = (error: MongoBulkWriteError) => (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]);

/** Where a write error came from, in an ordered bulk write, and its code. */
export const firstWriteError = (error: MongoBulkWriteError) => writeErrorsOf(error)[0];

export class WriteBatcher {
  private waiting: Pending[] = [];
  private size = 0;
  private scheduled = false;

  constructor(private readonly collection: Collection<Document>) {}

  /** Sends `operations` (ordered, with upserts as given) with the other sequences of this turn. */
  write(operations: AnyBulkWriteOperation<Document>[]): Promise<SequenceResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ operations, resolve, reject });
      this.size += operations.length;
      if (this.size >= MAX_OPERATIONS) this.flush();
      else if (!this.scheduled) {
        // After the poll phase: every request whose data arrived in this turn has reached here by then.
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    this.size = 0;
    if (batch.length > 0) void this.send(batch);
  }

  private async send(batch: Pending[]): Promise<void> {
    // Sequences of one update each (a verification's counter, mostly) do not depend on one
    // another: unordered, a refusal stops nothing, and a flood of refused callers costs one
    // command per turn, not one per refusal.
    if (batch.every((p) => p.operations.length === 1)) return this.sendSingles(batch);
    for (let rest = batch; rest.length > 0; ) {
      try {
        await this.collection.bulkWrite(rest.flatMap((p) => p.operations), { ordered: true });
        settle(rest);
        return;
      } catch (error) {
        const failure = error instanceof MongoBulkWriteError ? firstWriteError(error) : undefined;
        if (!failure) {
          // The command as a whole failed (the network, an election, the time bound): every request hears of it.
          for (const p of rest) p.reject(error);
          return;
        }
        // Find the sequence the failed update belongs to.
        let start = 0;
        let at = 0;
        while (start + rest[at]!.operations.length <= failure.index) start += rest[at++]!.operations.length;
        settle(rest.slice(0, at));
        rest[at]!.resolve({ failedAt: failure.index - start, code: failure.code, error: stepError(failure, error as MongoBulkWriteError) });
        rest = rest.slice(at + 1);
      }
    }
  }

  private async sendSingles(batch: Pending[]): Promise<void> {
    try {
      await this.collection.bulkWrite(batch.map((p) => p.operations[0]!), { ordered: false });
      settle(batch);
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError) || !firstWriteError(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
      const failed = new Map(writeErrorsOf(error).map((e) => [e.index, e]));
      settle(batch.filter((_, i) => !failed.has(i)));
      batch.forEach((p, i) => {
        const failure = failed.get(i);
        if (failure) p.resolve({ failedAt: 0, code: failure.code, error: stepError(failure, error) });
      });
    }
  }
}

/** Resolves sequences whose every update was applied. */
function settle(sequences: Pending[]): void {
  for (const p of sequences) p.resolve({ applied: true });
}
