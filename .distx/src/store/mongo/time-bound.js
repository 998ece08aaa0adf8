/** What a late write fails with; isPastDeadline recognises it. */
const PAST_DEADLINE = 'otp-graphql: this write arrived after its request gave up';
/** Where each bounded method takes its options (find's cursor inherits them). */
const OPTIONS_AT = {
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
export function timeBound(target, timeoutMs) {
    return new Proxy(target, {
        get(object, property, receiver) {
            const member = Reflect.get(object, property, receiver);
            const at = typeof property === 'string' ? OPTIONS_AT[property] : undefined;
            if (at === undefined || typeof member !== 'function')
                return member;
            return (...args) => {
                const bounded = [...args];
                bounded.length = Math.max(bounded.length, at + 1);
                bounded[at] = { ...bounded[at], signal: AbortSignal.timeout(timeoutMs) };
                return member.apply(object, bounded);
            };
        },
    });
}
/** The deadline for a write sent now under `timeoutMs`: a second (at most a fifth of the bound) before the bound. */
export function writeDeadline(timeoutMs, now = Date.now()) {
    return new Date(now + timeoutMs - Math.min(1_000, timeoutMs / 5));
}
/** `pipeline` with a first stage that fails the update if mongod runs it after `deadline`. */
export function beforeDeadline(pipeline, deadline) {
    // $cond evaluates only the branch it takes: $toInt of a sentence fails only past the deadline.
    return [{ $set: { _deadline: { $cond: [{ $lt: ['$$NOW', deadline] }, '$$REMOVE', { $toInt: PAST_DEADLINE }] } } }, ...pipeline];
}
/** Whether `error` is a bound firing or a late write refused: the store is unavailable for now. */
export function isTimeBound(error, firstWriteError) {
    if (!(error instanceof Error))
        return false;
    if (error.name === 'TimeoutError' || error.name === 'MongoOperationTimeoutError' || error.name === 'MongoWaitQueueTimeoutError')
        return true;
    if (error.message.includes(PAST_DEADLINE))
        return true;
    return error.name === 'MongoBulkWriteError' && Boolean(firstWriteError(error)?.errmsg?.includes(PAST_DEADLINE));
}
//# sourceMappingURL=time-bound.js.map