// The service's rules as the store's limits: what one request may cost an address (cooldown,
// send window, live codes, attempt budget), a caller (its own budgets, counted per client
// network), and everyone (the shared send budgets: the anonymous ones, or the vouching merchant's), and how long a code lives for its purpose.
// Built once from the rules; the store counts against these, and never decides them.
import { ClientGate } from '../edge/client-gate.js';
import { clientNetwork, clientSite } from '../edge/client-network.js';
import type { SendBudgets } from '../edge/send-budgets.js';
import type { ClientLimit, IssueLimits, SendLimits, SharedBudget, WindowLimit } from '../store/codes.js';
import type { Caller, ClientPolicy, OtpRules } from './otp.commands.js';

/** Bot checks (provider calls) in flight at once per caller and per process. */
const CHECKS_IN_FLIGHT_PER_CLIENT = 4;
const CHECKS_IN_FLIGHT = 32;

export class ServiceLimits {
  /** What issuing a code costs the address (the caller's and the shared budgets come per request). */
  readonly issue: Omit<IssueLimits, 'client'>;
  /** The address's attempt budget's window: how long a wrong guess keeps its share. */
  readonly guesses: WindowLimit;
  private readonly perClient: Record<'request' | 'verify' | 'status', WindowLimit>;
  /**
   * The bot checks a caller may have run, in this process: its request budget, again, but
   * counted before the check (MongoDB's count comes after it, with the code), and at most a
   * few provider calls in flight per caller, out of 32 for the process.
   */
  readonly challengeGate: ClientGate;

  constructor(
    private readonly rules: Readonly<OtpRules>,
    private readonly clientPolicy: ClientPolicy,
    private readonly sendBudgets: SendBudgets | undefined,
  ) {
    this.guesses = { max: rules.maxGuessesPerWindow, windowSeconds: rules.guessWindowSeconds };
    this.issue = {
      cooldownSeconds: rules.resendCooldownSeconds,
      sends: { max: rules.maxSendsPerWindow, windowSeconds: rules.sendWindowSeconds },
      // A code is live until it dies: no address holds more live codes than it may be sent.
      maxLive: rules.maxSendsPerWindow,
      attempts: { maxAttempts: rules.maxAttempts, budget: this.guesses },
    };
    const window = (max: number) => ({ max, windowSeconds: clientPolicy.windowSeconds });
    this.challengeGate = new ClientGate({
      perWindow: clientPolicy.maxRequestsPerWindow,
      windowMs: clientPolicy.windowSeconds * 1000,
      inFlightPerClient: CHECKS_IN_FLIGHT_PER_CLIENT,
      inFlight: CHECKS_IN_FLIGHT,
    });
    this.perClient = {
      request: window(clientPolicy.maxRequestsPerWindow),
      verify: window(clientPolicy.maxVerificationsPerWindow),
      status: window(clientPolicy.maxStatusReadsPerWindow),
    };
  }

  /**
   * The caller's budget for `action`, counted per client network, and for IPv6 its site's (the
   * /48 around it, ipv6SiteFactor times as large): an attacker spreading over the /64s of one
   * /48 meets that. None for an in-process caller.
   */
  client(action: 'request' | 'verify' | 'status', caller: Caller | undefined): ClientLimit | undefined {
    if (!caller) return undefined;
    const { ipv6PrefixLength, ipv6SiteFactor } = this.clientPolicy;
    const limit = this.perClient[action];
    const site = clientSite(caller.clientIp, ipv6PrefixLength);
    return {
      key: `${action}|${clientNetwork(caller.clientIp, ipv6PrefixLength)}`,
      limit,
      ...(site ? { network: { key: `${action}|${site}`, limit: { max: limit.max * ipv6SiteFactor, windowSeconds: limit.windowSeconds } } } : {}),
    };
  }

  /**
   * The caller's request budget and the shared send budgets an email to `mailbox` counts
   * against: `merchant`'s own when its payment intent vouches for the email, else the anonymous ones.
   */
  send(caller: Caller | undefined, mailbox: string, merchant: string | null): Pick<SendLimits, 'client' | 'shared'> {
    return { client: this.client('request', caller), shared: this.sharedFor(mailbox, merchant) };
  }

  /** The shared send budgets alone (see send). */
  sharedFor(mailbox: string, merchant: string | null): SharedBudget[] {
    return this.sendBudgets?.for(mailbox, merchant) ?? [];
  }

  /** The caller's network, as the in-process counts key it ('' for an in-process caller). */
  clientKey(caller: Caller | undefined): string {
    return caller ? clientNetwork(caller.clientIp, this.clientPolicy.ipv6PrefixLength) : '';
  }

  /** A code's life for `purpose`: its own when OTP_TTL_SECONDS_BY_PURPOSE names it, else the default. */
  ttlSecondsFor(purpose: string): number {
    return this.rules.ttlSecondsByPurpose?.[purpose] ?? this.rules.ttlSeconds;
  }
}
