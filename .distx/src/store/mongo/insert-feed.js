// The change stream that tells dispatchers a code was issued or resent: every insert or update
// of an address's document that set a new `lastIssued`. Only the code's id travels; the document
// carries the sealed code, which need not travel here.
import { MongoServerError } from 'mongodb';
import { ResumePointLostError } from '../otp.store.js';
import { follow } from './follow.js';
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
/** `lastIssued` is the code's id, or "<id>|<resends>" once it was resent (a new value wakes the stream). */
const issuedId = (change) => (change?.fullDocument?.lastIssued ?? change?.updateDescription?.updatedFields?.lastIssued)?.split('|')[0];
export async function watchIssues(addresses, resumeAfter, onInsert, onError) {
    let startAfter;
    try {
        startAfter = resumeAfter === null ? undefined : JSON.parse(resumeAfter);
    }
    catch (error) {
        throw new ResumePointLostError(`unreadable position: ${error.message}`);
    }
    const stream = addresses.watch(ISSUES, startAfter ? { startAfter } : {});
    let delivered = false;
    // MongoDB accepts a lost position when the stream opens and refuses it at the first event.
    const failed = (error) => startAfter && !delivered && error instanceof MongoServerError && LOST_POSITION_CODES.has(Number(error.code)) ? new ResumePointLostError(error.message) : error;
    return follow(stream, async (change) => {
        const id = issuedId(change);
        if (!id)
            return;
        delivered = true;
        await onInsert({ id, token: JSON.stringify(change._id) });
    }, failed, onError);
}
//# sourceMappingURL=insert-feed.js.map