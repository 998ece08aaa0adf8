// Concurrent requests' writes, sent together. Each request's claims are an ordered sequence of
// updates (its caller's counter, the shared budgets, the intent marker, the address): the
// sequences handed over in one turn of the event loop leave as one ordered bulk write, one
// after another, so the server applies them exactly as if each request had sent its own
// command in that order, and the process pays one round trip for all of them. On this machine
// a round trip costs more CPU than everything else a request does (issue 25).
//
// Ordered, a refusal (a duplicate key: see clientStep) stops the whole command where it
// happens. The sequence it belongs to hears of it with its own index; the sequences before it
// were applied; the ones after it had not run yet, and go again in the next command. So every
// request learns its own outcome as if it had been alone.
import { MongoBulkWriteError, type AnyBulkWriteOperation, type BulkWriteResult, type Collection, type Document } from 'mongodb';

/** One request's outcome: every update applied, or the first one that failed (its index in the sequence). */
export type SequenceResult =
  /**
   * How many of the updates changed their document; null when that is not known: an update
   * that may match without changing anything (`mayChangeNothing`) shared a command with others,
   * and the command changed fewer documents than it had updates.
   */
  | { changed: number | null }
  | { failedAt: number; code: number | undefined; error: StepWriteError };

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
  /** Whether an update of the sequence may match a document and leave it as it was. */
  mayChangeNothing: boolean;
  resolve: (result: SequenceResult) => void;
  reject: (error: unknown) => void;
}

/** Updates in one command at most: a command's answer waits for its slowest update. */
const MAX_OPERATIONS = 500;

/** A bulk write's write errors, each with its index and code (the driver gives one alone unwrapped). */
const writeErrorsOf = (error: MongoBulkWriteError) => (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]);

/** Where a write error came from, in an ordered bulk write, and its code. */
export const firstWriteError = (error: MongoBulkWriteError) => writeErrorsOf(error)[0];
const changedBy = (result: Pick<BulkWriteResult, 'modifiedCount' | 'upsertedCount'>) => result.modifiedCount + result.upsertedCount;

export class WriteBatcher {
  private waiting: Pending[] = [];
  private size = 0;
  private scheduled = false;

  constructor(private readonly collection: Collection<Document>) {}

  /** Sends `operations` (ordered, with upserts as given) with the other sequences of this turn. */
  write(operations: AnyBulkWriteOperation<Document>[], mayChangeNothing: boolean): Promise<SequenceResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ operations, mayChangeNothing, resolve, reject });
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
        const result = await this.collection.bulkWrite(rest.flatMap((p) => p.operations), { ordered: true });
        settle(rest, changedBy(result));
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
        settle(rest.slice(0, at), changedBy(error as MongoBulkWriteError) - failure.index + start, start);
        rest[at]!.resolve({ failedAt: failure.index - start, code: failure.code, error: stepError(failure, error as MongoBulkWriteError) });
        rest = rest.slice(at + 1);
      }
    }
  }

  private async sendSingles(batch: Pending[]): Promise<void> {
    try {
      const result = await this.collection.bulkWrite(batch.map((p) => p.operations[0]!), { ordered: false });
      settle(batch, changedBy(result));
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError) || !firstWriteError(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
      const failed = new Map(writeErrorsOf(error).map((e) => [e.index, e]));
      const applied = batch.filter((_, i) => !failed.has(i));
      settle(applied, changedBy(error));
      batch.forEach((p, i) => {
        const failure = failed.get(i);
        if (failure) p.resolve({ failedAt: 0, code: failure.code, error: stepError(failure, error) });
      });
    }
  }
}

/**
 * Resolves sequences that were all applied, `changed` of whose `applied` updates (default:
 * all of theirs) changed a document. When every update changed one, each sequence changed all
 * of its own; otherwise only those that cannot leave a document unchanged are sure.
 */
function settle(sequences: Pending[], changed: number, applied = sequences.reduce((sum, p) => sum + p.operations.length, 0)): void {
  if (sequences.length === 1) return sequences[0]!.resolve({ changed });
  const allChanged = changed >= applied;
  for (const p of sequences) p.resolve({ changed: allChanged || !p.mayChangeNothing ? p.operations.length : null });
}
