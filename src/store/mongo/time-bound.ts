// Every MongoDB operation has a time bound, and the writes a request makes carry a deadline the
// server itself enforces (issue 22, row 9: with mongod frozen by SIGSTOP, requestOtp hung 20 s,
// then the code was stored and emailed when mongod resumed, though the caller had given up).
//
// - The bound: each operation gets an AbortSignal that fires after MONGODB_TIMEOUT_MS. The
//   driver's own timeoutMS would be the natural tool, but in driver 7 it is deprecated and "has
//   no effect" (checked: an updateOne with timeoutMS 2000 against a frozen mongod took 70 s);
//   its `signal` option does bound reads and writes (checked: 2.0 s).
// - The deadline: aborting only stops the wait. The command is already in mongod's socket and
//   runs when mongod resumes. So a request's writes (all aggregation-pipeline updates) start
//   with a stage that fails the update when mongod's clock ($$NOW) is past the deadline: a late
//   write changes nothing. The deadline is a second before the bound, so a write that runs
//   between the two is refused too and the caller's SERVICE_UNAVAILABLE is the truth. It relies
//   on the service's and MongoDB's clocks agreeing within that second (NTP does far better).
import type { Document, MongoBulkWriteError } from 'mongodb';

/** What a late write fails with; isPastDeadline recognises it. */
const PAST_DEADLINE = 'otp-graphql: this write arrived after its request gave up';

/** Where each bounded method takes its options (find's cursor inherits them). */
const OPTIONS_AT: Record<string, number> = {
  find: 1,
  findOne: 1,
  aggregate: 1,
  countDocuments: 1,
  bulkWrite: 1,
  insertOne: 1,
  deleteOne: 1,
  deleteMany: 1,
  updateOne: 2,
  updateMany: 2,
  findOneAndUpdate: 2,
  command: 1,
  createIndexes: 1,
};

/**
 * `target` (a Collection or a Db) with a time bound on each of its operations: every call of a
 * method above gets `signal: AbortSignal.timeout(timeoutMs)` in its options (a caller's own
 * options kept). Other members (watch, collectionName, …) are passed through.
 */
export function timeBound<T extends object>(target: T, timeoutMs: number): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const member: unknown = Reflect.get(object, property, receiver);
      const at = typeof property === 'string' ? OPTIONS_AT[property] : undefined;
      if (at === undefined || typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        const bounded = [...args];
        bounded.length = Math.max(bounded.length, at + 1);
        bounded[at] = { ...(bounded[at] as object | undefined), signal: AbortSignal.timeout(timeoutMs) };
        return (member as (...a: unknown[]) => unknown).apply(object, bounded);
      };
    },
  });
}

/** The deadline for a write sent now under `timeoutMs`: a second (at most a fifth of the bound) before the bound. */
export function writeDeadline(timeoutMs: number, now = Date.now()): Date {
  return new Date(now + timeoutMs - Math.min(1_000, timeoutMs / 5));
}

/** `pipeline` with a first stage that fails the update if mongod runs it after `deadline`. */
export function beforeDeadline(pipeline: Document[], deadline: Date): Document[] {
  // $cond evaluates only the branch it takes: $toInt of a sentence fails only past the deadline.
  return [{ $set: { _deadline: { $cond: [{ $lt: ['$$NOW', deadline] }, '$$REMOVE', { $toInt: PAST_DEADLINE }] } } }, ...pipeline];
}

/** Whether `error` is a bound firing or a late write refused: the store is unavailable for now. */
export function isTimeBound(error: unknown, firstWriteError: (e: MongoBulkWriteError) => { errmsg?: string } | undefined): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'MongoOperationTimeoutError' || error.name === 'MongoWaitQueueTimeoutError') return true;
  if (error.message.includes(PAST_DEADLINE)) return true;
  return error.name === 'MongoBulkWriteError' && Boolean(firstWriteError(error as MongoBulkWriteError)?.errmsg?.includes(PAST_DEADLINE));
}
