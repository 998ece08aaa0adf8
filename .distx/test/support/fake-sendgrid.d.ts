export interface ReceivedEmail {
    to: string;
    from: string;
    subject: string;
    text: string;
    html: string;
    /** The digits substituted for {{otp}}. */
    code: string;
    /** SendGrid custom_args: what comes back on its events. */
    customArgs: Record<string, string>;
    receivedAt: number;
}
export interface ScriptedAnswer {
    status: number;
    delayMs?: number;
    headers?: Record<string, string>;
}
interface SendGridBody {
    from: {
        email: string;
    };
    subject: string;
    content: {
        type: string;
        value: string;
    }[];
    personalizations: {
        to: {
            email: string;
        }[];
        substitutions?: Record<string, string>;
        custom_args?: Record<string, string>;
    }[];
}
export declare class FakeSendGrid {
    /** Every POST /v3/mail/send, accepted or not. */
    readonly requests: {
        status: number;
        authorization: string | undefined;
        body: SendGridBody;
        at: number;
    }[];
    /** Emails from accepted (2xx) requests only: what recipients would get. */
    readonly emails: ReceivedEmail[];
    private script;
    private defaultDelayMs;
    /** Addresses SendGrid will not take: any call carrying one is refused whole with 400, as SendGrid does. */
    private readonly refused;
    /** Until this time (epoch ms), every call is answered with `outage.status`. */
    private outage;
    private readonly server;
    private waiters;
    constructor();
    start(): Promise<string>;
    get baseUrl(): string;
    /** The next answers, in order; afterwards 202. */
    answer(...answers: ScriptedAnswer[]): void;
    /** Delays every default 202 answer (a slow provider). */
    delayAll(ms: number): void;
    /** Refuses every call that carries `address` (400), as SendGrid refuses an address it will not take. */
    refuse(address: string): void;
    /** Answers every call with `status` (503: down) for the next `ms`. */
    downFor(ms: number, status?: number): void;
    reset(): void;
    emailsTo(address: string): ReceivedEmail[];
    /** Waits until at least `count` emails have arrived for `address` (or in all, without one). */
    waitForEmails(count: number, address?: string, timeoutMs?: number): Promise<ReceivedEmail[]>;
    /** The latest code emailed to `address`, waiting for it if needed. */
    latestCode(address: string, expectedCount?: number): Promise<string>;
    close(): Promise<void>;
    private handle;
}
export {};
