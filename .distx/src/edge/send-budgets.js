import { mailDomain } from './mailbox.js';
/** How many tripped budgets are remembered for the once-per-window log line: bounded whatever the traffic. */
const MAX_REMEMBERED_TRIPS = 1_000;
export class SendBudgets {
    policy;
    logger;
    observer;
    /** Budget key → when its current trip's log line stops covering it (epoch ms). */
    logged = new Map();
    constructor(policy, logger, observer) {
        this.policy = policy;
        this.logger = logger;
        this.observer = observer;
    }
    /** The budgets an email to `mailbox` is counted against, domain first. */
    for(mailbox) {
        const limit = (max) => ({ max, windowSeconds: this.policy.windowSeconds });
        return [
            ...(this.policy.maxPerDomain > 0 ? [{ name: 'domain', key: `domain|${mailDomain(mailbox)}`, limit: limit(this.policy.maxPerDomain) }] : []),
            ...(this.policy.maxTotal > 0 ? [{ name: 'global', key: 'global', limit: limit(this.policy.maxTotal) }] : []),
        ];
    }
    /**
     * A request refused by a spent budget: counted every time, logged once per budget per trip
     * (an attacker's flood of refusals must not become a flood of log lines). The domain is
     * named (a mail system's public name, not anyone's address); the mailbox never is.
     */
    refused(budget, mailbox, retryAfterMs, now) {
        this.observer?.sendBudgetRefused?.(budget);
        const key = budget === 'domain' ? `domain|${mailDomain(mailbox)}` : 'global';
        if ((this.logged.get(key) ?? 0) > now.getTime())
            return;
        if (this.logged.size >= MAX_REMEMBERED_TRIPS)
            this.logged.clear();
        this.logged.set(key, now.getTime() + retryAfterMs);
        this.logger?.warn({ budget, ...(budget === 'domain' ? { domain: mailDomain(mailbox) } : {}), max: budget === 'domain' ? this.policy.maxPerDomain : this.policy.maxTotal, windowSeconds: this.policy.windowSeconds, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }, budget === 'domain' ? 'the send budget for a mail domain is spent: requests for it are refused until the window turns' : 'the global send budget is spent: every request is refused until the window turns');
    }
}
//# sourceMappingURL=send-budgets.js.map