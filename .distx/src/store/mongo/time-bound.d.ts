import type { Document, MongoBulkWriteError } from 'mongodb';
/**
 * `target` (a Collection or a Db) with a time bound on each of its operations: every call of a
 * method above gets `signal: AbortSignal.timeout(timeoutMs)` in its options (a caller's own
 * options kept). Other members (watch, collectionName, …) are passed through.
 */
export declare function timeBound<T extends object>(target: T, timeoutMs: number): T;
/** The deadline for a write sent now under `timeoutMs`: a second (at most a fifth of the bound) before the bound. */
export declare function writeDeadline(timeoutMs: number, now?: number): Date;
/** `pipeline` with a first stage that fails the update if mongod runs it after `deadline`. */
export declare function beforeDeadline(pipeline: Document[], deadline: Date): Document[];
/** Whether `error` is a bound firing or a late write refused: the store is unavailable for now. */
export declare function isTimeBound(error: unknown, firstWriteError: (e: MongoBulkWriteError) => {
    errmsg?: string;
} | undefined): boolean;
