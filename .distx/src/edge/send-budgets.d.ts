import type { Logger } from '../logger.js';
import type { SharedBudget } from '../store/otp.store.js';
export interface SendBudgetPolicy {
    /** Emails per mail domain per window; 0: no per-domain budget. */
    maxPerDomain: number;
    /** Emails in total per window; 0: no global budget. */
    maxTotal: number;
    windowSeconds: number;
}
export type SendBudgetName = SharedBudget['name'];
export declare class SendBudgets {
    private readonly policy;
    private readonly logger?;
    private readonly observer?;
    /** Budget key → when its current trip's log line stops covering it (epoch ms). */
    private readonly logged;
    constructor(policy: SendBudgetPolicy, logger?: Logger | undefined, observer?: {
        sendBudgetRefused?(budget: SendBudgetName): void;
    } | undefined);
    /** The budgets an email to `mailbox` is counted against, domain first. */
    for(mailbox: string): SharedBudget[];
    /**
     * A request refused by a spent budget: counted every time, logged once per budget per trip
     * (an attacker's flood of refusals must not become a flood of log lines). The domain is
     * named (a mail system's public name, not anyone's address); the mailbox never is.
     */
    refused(budget: SendBudgetName, mailbox: string, retryAfterMs: number, now: Date): void;
}
