// Send budgets many mailboxes share. The per-mailbox limits stop a flood to one inbox and the
// per-client ones a flood from one caller; these stop the rest (many callers at one company's
// domain, or at everyone) before the mail bill or the sender's reputation pays for it.
//
// Which budgets an email counts against depends on who vouches for it. Anonymous requests
// (no payment intent) share one budget per mail domain and one for them all. A request carrying
// a merchant's valid payment intent draws on that merchant's own budget instead, never on the
// anonymous ones: a stranger who spends those cannot refuse a vouched payment. Only emails that
// are queued count (see SharedBudget). Spent, requests are RATE_LIMITED until the window turns;
// a metric counts every refusal and a log line says when one trips.
import type { Logger } from '../logger.js';
import type { SharedBudget } from '../store/otp.store.js';
import { mailDomain } from './mailbox.js';

export interface SendBudgetPolicy {
  /** Anonymous emails per mail domain per window; 0: no per-domain budget. */
  maxPerDomain: number;
  /** Anonymous emails in total per window; 0: no global budget. */
  maxTotal: number;
  /** A merchant's emails per window, unless its entry in MERCHANTS_FILE says otherwise. */
  maxPerMerchant: number;
  windowSeconds: number;
}

export type SendBudgetName = SharedBudget['name'];

/** How many tripped budgets are remembered for the once-per-window log line: bounded whatever the traffic. */
const MAX_REMEMBERED_TRIPS = 1_000;

const TRIPPED: Record<SendBudgetName, string> = {
  domain: 'the send budget for a mail domain is spent: anonymous requests for it are refused until the window turns',
  global: 'the global send budget is spent: every anonymous request is refused until the window turns',
  merchant: "a merchant's send budget is spent: requests with its payment intents are refused until the window turns",
};

export class SendBudgets {
  /** Budget key → when its current trip's log line stops covering it (epoch ms). */
  private readonly logged = new Map<string, number>();

  constructor(
    private readonly policy: SendBudgetPolicy,
    private readonly logger?: Logger,
    private readonly observer?: { sendBudgetRefused?(budget: SendBudgetName): void },
    /** A merchant's own budget when MERCHANTS_FILE gives it one (its maxEmailsPerWindow). */
    private readonly merchantMax: (merchant: string) => number | undefined = () => undefined,
  ) {}

  /**
   * The budgets an email to `mailbox` is counted against: the merchant's, when its payment
   * intent vouches for the email (`merchant`, its id), else the domain's and the global one.
   */
  for(mailbox: string, merchant: string | null = null): SharedBudget[] {
    const limit = (max: number) => ({ max, windowSeconds: this.policy.windowSeconds });
    if (merchant !== null) {
      return [{ name: 'merchant', key: `merchant|${merchant}`, limit: limit(this.merchantMax(merchant) ?? this.policy.maxPerMerchant) }];
    }
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
  refused(budget: SendBudgetName, key: string, retryAfterMs: number, now: Date): void {
    this.observer?.sendBudgetRefused?.(budget);
    if ((this.logged.get(key) ?? 0) > now.getTime()) return;
    if (this.logged.size >= MAX_REMEMBERED_TRIPS) this.logged.clear();
    this.logged.set(key, now.getTime() + retryAfterMs);
    // The key's second part names the domain or the merchant (`domain|gmail.com`, `merchant|demo`).
    const name = key.slice(key.indexOf('|') + 1);
    const named = budget === 'domain' ? { domain: name } : budget === 'merchant' ? { merchant: name } : {};
    const max = budget === 'domain' ? this.policy.maxPerDomain : budget === 'global' ? this.policy.maxTotal : (this.merchantMax(name) ?? this.policy.maxPerMerchant);
    this.logger?.warn({ budget, ...named, max, windowSeconds: this.policy.windowSeconds, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }, TRIPPED[budget]);
  }
}
