// Which MongoDB errors mean "unreachable for now, worth a retry" (an election, a network
// fault, a request past its time bound, a write the server refused as it stands): the health
// role's judgement, used by the service (SERVICE_UNAVAILABLE) and by the store's own retries.
import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { isTimeBound } from './time-bound.js';
import { firstWriteError, StepWriteError } from './write-batch.js';

/** Server answers during elections and shutdowns: the operation may succeed on a retry. */
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * Writes the server refused as they stand (a validator, a document grown past 16 MB): the
 * change and the event it reports were refused together, nothing was written, and the caller
 * hears "unavailable, try again" rather than an internal error (an operator must act).
 */
const REFUSED_WRITE_CODES = new Set([121, 10334, 17419]);

/** Whether `error` (from this store) means "unreachable for now": worth a retry. */
export function isUnavailable(error: unknown): boolean {
  // A bulk write wraps a driver error (server selection, network) and keeps it as errorResponse.
  const wrapped: unknown = error instanceof MongoBulkWriteError ? error.errorResponse : undefined;
  if (wrapped instanceof Error) return isUnavailable(wrapped);
  return (
    isTimeBound(error, firstWriteError) ||
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    (error instanceof StepWriteError && REFUSED_WRITE_CODES.has(Number(error.code))) ||
    (error instanceof MongoError && (error.hasErrorLabel('RetryableWriteError') || UNAVAILABLE_CODES.has(Number(error.code)) || REFUSED_WRITE_CODES.has(Number(error.code))))
  );
}
