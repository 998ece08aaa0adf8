// The change stream that tells dispatchers a code was issued or resent: every insert or update
// of an address's document that set a new `lastIssued`. Only the code's id travels; the document
// carries the sealed code, which need not travel here.
import { MongoServerError, type ChangeStream, type Collection, type ResumeToken } from 'mongodb';
import { ResumePointLostError, type FeedSubscription, type FeedItem } from '../otp.store.js';
import type { AddressDocument } from './documents.js';
import { FEED_AWAIT_MS, follow } from './follow.js';

/**
 * The server's answers that mean a resume position is gone for good: ChangeStreamFatalError
 * (280, "the resume token was not found"), InvalidResumeToken (260), ChangeStreamHistoryLost
 * (286). Anything else (an election, a network error) is worth retrying from the same place.
 */
const LOST_POSITION_CODES = new Set([260, 280, 286]);

const ISSUES = [
  {
    $match: {
      $or: [
        { operationType: 'insert', 'fullDocument.lastIssued': { $exists: true } },
        { operationType: 'update', 'updateDescription.updatedFields.lastIssued': { $exists: true } },
      ],
    },
  },
  { $project: { 'fullDocument.lastIssued': 1, 'updateDescription.updatedFields.lastIssued': 1 } },
];

interface IssueChange {
  _id: ResumeToken;
  fullDocument?: { lastIssued?: string };
  updateDescription?: { updatedFields?: { lastIssued?: string } };
}

/** `lastIssued` is the code's id, or "<id>|<resends>" once it was resent (a new value wakes the stream). */
const issuedId = (change: IssueChange | null) => (change?.fullDocument?.lastIssued ?? change?.updateDescription?.updatedFields?.lastIssued)?.split('|')[0];

export async function watchIssues(
  addresses: Collection<AddressDocument>,
  resumeAfter: string | null,
  onInsert: (event: FeedItem) => Promise<void>,
  onError: (error: unknown) => void,
): Promise<FeedSubscription> {
  let startAfter: ResumeToken | undefined;
  try {
    startAfter = resumeAfter === null ? undefined : (JSON.parse(resumeAfter) as ResumeToken);
  } catch (error) {
    throw new ResumePointLostError(`unreadable position: ${(error as Error).message}`);
  }
  const stream = addresses.watch(ISSUES, { maxAwaitTimeMS: FEED_AWAIT_MS, ...(startAfter ? { startAfter } : {}) }) as unknown as ChangeStream<AddressDocument, IssueChange>;
  let delivered = false;
  // MongoDB accepts a lost position when the stream opens and refuses it at the first event.
  const failed = (error: unknown) =>
    startAfter && !delivered && error instanceof MongoServerError && LOST_POSITION_CODES.has(Number(error.code)) ? new ResumePointLostError(error.message) : error;
  return follow(
    stream,
    async (change) => {
      const id = issuedId(change);
      if (!id) return;
      delivered = true;
      await onInsert({ id, token: JSON.stringify(change._id) });
    },
    failed,
    onError,
  );
}
