// The change stream that tells dispatchers a code was issued: every insert or update of an
// address's document that set a new `lastIssued`. Only the code's id travels; the document
// carries the sealed code, which need not travel here.
import { MongoServerError, type ChangeStream, type Collection, type ResumeToken } from 'mongodb';
import { ResumePointLostError, type FeedSubscription, type InsertEvent } from '../otp.store.js';
import type { AddressDocument } from './address.updates.js';

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

const issuedId = (change: IssueChange | null) => change?.fullDocument?.lastIssued ?? change?.updateDescription?.updatedFields?.lastIssued;

export async function watchIssues(
  addresses: Collection<AddressDocument>,
  resumeAfter: string | null,
  onInsert: (event: InsertEvent) => Promise<void>,
  onError: (error: unknown) => void,
): Promise<FeedSubscription> {
  let startAfter: ResumeToken | undefined;
  try {
    startAfter = resumeAfter === null ? undefined : (JSON.parse(resumeAfter) as ResumeToken);
  } catch (error) {
    throw new ResumePointLostError(`unreadable position: ${(error as Error).message}`);
  }
  const stream = addresses.watch(ISSUES, startAfter ? { startAfter } : {}) as unknown as ChangeStream<AddressDocument, IssueChange>;
  // Our own flag: on an error it cannot resume from, the driver closes the stream before it
  // rejects next(), so `stream.closed` cannot tell a deliberate close from a failure.
  let closing = false;
  let delivered = false;
  const failed = (error: unknown) => {
    // MongoDB accepts a lost position when the stream opens and refuses it at the first event.
    const lost = startAfter && !delivered && error instanceof MongoServerError && LOST_POSITION_CODES.has(Number(error.code));
    return lost ? new ResumePointLostError(error.message) : error;
  };

  let first: IssueChange | null;
  try {
    // The stream opens lazily: this first call opens it, and is where the server may refuse.
    first = await stream.tryNext();
  } catch (error) {
    closing = true;
    await stream.close();
    throw failed(error);
  }

  const loop = (async () => {
    let change = first;
    // The driver resumes by itself after resumable errors (elections, network blips); what
    // reaches us here is an error it could not resume from, or server selection timing out.
    while (!closing) {
      const id = issuedId(change);
      if (change && id) {
        delivered = true;
        await onInsert({ id, token: JSON.stringify(change._id) });
      }
      change = await stream.next().catch((error: unknown) => {
        if (closing) return null;
        throw error;
      });
    }
  })().catch(async (error: unknown) => {
    closing = true;
    await stream.close().catch(() => undefined);
    onError(failed(error));
  });

  return {
    close: async () => {
      closing = true;
      await stream.close();
      await loop;
    },
  };
}
