// Send budgets many mailboxes share: one per mail domain and one for everything. The
// per-mailbox limits stop a flood to one inbox and the per-client ones a flood from one
// caller; these stop the rest (many callers at one company's domain, or at everyone) before
// the mail bill or the sender's reputation pays for it. Spent, requests are RATE_LIMITED
// until the window turns; a metric counts every refusal and a log line says when one trips.
import type { Logger } from '../logger.js';
import type { SharedBudget } from '../store/otp.store.js';
import { mailDomain } from './mailbox.js';

export interface SendBudgetPolicy {
  /** Emails per mail domain per window; 0: no per-domain budget. */
  maxPerDomain: number;
  /** Emails in total per window; 0: no global budget. */
  maxTotal: number;
  windowSeconds: number;
}

export type SendBudgetName = SharedBudget['name'];

/** How many tripped budgets are remembered for the once-per-window log line: bounded whatever the traffic. */
const MAX_REMEMBERED_TRIPS = 1_000;

export class SendBudgets {
  /** Budget key → when its current trip's log line stops covering it (epoch ms). */
  private readonly logged = new Map<string, number>();

  constructor(
    private readonly policy: SendBudgetPolicy,
    private readonly logger?: Logger,
    private readonly observer?: { sendBudgetRefused?(budget: SendBudgetName): void },
  ) {}

  /** The budgets an email to `mailbox` is counted against, domain first. */
  for(mailbox: string): SharedBudget[] {
    const limit = (max: number) => ({ max, windowSeconds: this.policy.windowSeconds });
    return [
      ...(this.policy.maxPerDomain > 0 ? [{ name: 'domain' as const, key: `domain|${mailDomain(mailbox)}`, limit: limit(this.policy.maxPerDomain) }] : []),
      ...(this.policy.maxTotal > 0 ? [{ name: 'global' as const, key: 'global', limit: limit(this.policy.maxTotal) }] : []),
    ];
  }

  /**
   * A request refused by a spent budget: counted every time, logged once per budget per trip
   * (an attacker's flood of refusals must not become a flood of log lines). The domain is
   * named (a mail system's public name, not anyone's address); the mailbox never is.
   */
  refused(budget: SendBudgetName, mailbox: string, retryAfterMs: number, now: Date): void {
    this.observer?.sendBudgetRefused?.(budget);
    const key = budget === 'domain' ? `domain|${mailDomain(mailbox)}` : 'global';
    if ((this.logged.get(key) ?? 0) > now.getTime()) return;
    if (this.logged.size >= MAX_REMEMBERED_TRIPS) this.logged.clear();
    this.logged.set(key, now.getTime() + retryAfterMs);
    this.logger?.warn(
      { budget, ...(budget === 'domain' ? { domain: mailDomain(mailbox) } : {}), max: budget === 'domain' ? this.policy.maxPerDomain : this.policy.maxTotal, windowSeconds: this.policy.windowSeconds, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) },
      budget === 'domain' ? 'the send budget for a mail domain is spent: requests for it are refused until the window turns' : 'the global send budget is spent: every request is refused until the window turns',
    );
  }
}
