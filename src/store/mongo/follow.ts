// Following a change stream, shared by the insert feed and the delivery-change feed: open it
// (the first tryNext, where the server may refuse), then hand each change to `handle`, one at a
// time, until closed. The driver resumes by itself after resumable errors (elections, network
// blips); what ends the loop is an error it could not resume from, reported through `onError`.
import type { ChangeStream, Document } from 'mongodb';
import type { FeedSubscription } from '../otp.store.js';
import type { AddressDocument } from './documents.js';

/**
 * How long the server holds one getMore of a feed open when nothing happens (the driver's
 * default is 1 s). A change is handed over the moment it happens either way; this bounds only
 * the idle wait, which opening a feed (its first tryNext) and closing one (the getMore under way)
 * each sit out in full: 1 s on every start and every stop. At 250 ms an idle feed costs its
 * mongod four light getMores a second.
 */
export const FEED_AWAIT_MS = 250;

export async function follow<Change extends Document>(
  stream: ChangeStream<AddressDocument, Change>,
  handle: (change: Change) => Promise<void> | void,
  /** What an error becomes before it is thrown or reported (a lost position, say). */
  failed: (error: unknown) => unknown,
  onError: (error: unknown) => void,
): Promise<FeedSubscription> {
  // Our own flag: on an error it cannot resume from, the driver closes the stream before it
  // rejects next(), so `stream.closed` cannot tell a deliberate close from a failure.
  let closing = false;
  let first: Change | null;
  try {
    first = await stream.tryNext();
  } catch (error) {
    closing = true;
    await stream.close();
    throw failed(error);
  }
  const loop = (async () => {
    let change = first;
    while (!closing) {
      if (change) await handle(change);
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
