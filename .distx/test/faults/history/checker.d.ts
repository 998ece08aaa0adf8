export type Operation = 'request' | 'resend' | 'verify-right' | 'verify-wrong' | 'verify-replay';
/** One GraphQL call as the client saw it. `status` is the payload's, or the error's code, or null (no answer). */
export interface Call {
    kind: 'call';
    op: Operation;
    email: string;
    /** The request's handle: requestOtp's answer, or the one the call named. */
    requestId: string | null;
    /** The code a verify sent. */
    otp?: string;
    start: number;
    end: number;
    status: string | null;
    attemptsRemaining?: number | null;
}
/** An email as the fake SendGrid took it (recorded when it decided to accept). */
export interface Email {
    kind: 'email';
    to: string;
    requestId: string;
    code: string;
    at: number;
}
/** One try of a merchant webhook, as the fake merchant saw it; `accepted`: it decided to answer 2xx. */
export interface WebhookTry {
    kind: 'webhook';
    id: string;
    type: string;
    email: string;
    requestId?: string;
    at: number;
    accepted: boolean;
}
/** A fault the schedule ran, from `at` for `durationMs` (0 for an instant one: a kill). */
export interface Fault {
    kind: 'fault';
    what: string;
    at: number;
    durationMs: number;
}
export type HistoryEvent = Call | Email | WebhookTry | Fault;
/** A document left in the database at the end, with its TTL field. */
export interface StoredDocument {
    collection: string;
    expiresAt: Date;
}
export interface Promises {
    maxAttempts: number;
    /** How long after an unconfirmed SendGrid call (no answer) or a worker's death a second email may follow. */
    emailRepeatWindowMs: number;
    /** How long after an unanswered webhook try or a worker's death the same webhook id may be accepted again. */
    webhookRepeatWindowMs: number;
    /** The TTL monitor's period, plus its slack: nothing may be left that long past its expiresAt. */
    ttlGraceMs: number;
}
export interface Violation {
    promise: string;
    detail: string;
    /** The requestId or address whose slice of history shows it. */
    key: string;
}
export interface Report {
    violations: Violation[];
    counts: Record<string, number>;
}
export declare function checkHistory(history: HistoryEvent[], stored: StoredDocument[], checkedAt: number, p: Promises): Report;
/** The shortest slice of history that shows a violation: the events of its key, in time order. */
export declare function sliceOf(history: HistoryEvent[], key: string): HistoryEvent[];
