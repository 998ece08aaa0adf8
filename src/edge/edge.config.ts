// The settings of the edge protections (send budgets shared by mailboxes; later the bot
// challenge and the subscription caps), read with the rest of the configuration in config.ts
// but kept beside the code they configure.
import type { z } from 'zod';
import { API, int, setting } from '../env.js';
import { challengeEnvShape, readChallengeConfig, type ChallengeConfig } from './challenge/challenge.config.js';
import type { SendBudgetPolicy } from './send-budgets.js';
import type { SubscriptionCapPolicy } from './subscription-caps.js';

export const edgeEnvShape = {
  // Emails per mail domain and in total per window, whoever asks: size them at a few times
  // your busiest window (the README's "Send budgets" says how); 0 turns one off.
  SEND_BUDGET_PER_DOMAIN: setting(int(0, 100_000_000).default(5_000), "emails (new codes and resends) per mail domain per budget window, whoever asks: past it, requests for that domain are RATE_LIMITED until …", API),
  SEND_BUDGET_TOTAL: setting(int(0, 100_000_000).default(10_000), "the same for all anonymous emails together (budget=\"global\")", API),
  SEND_BUDGET_PER_MERCHANT: setting(int(1, 100_000_000).default(5_000), "emails per budget window that one merchant's payment intents may bring (budget=\"merchant\"), apart from the anonymous budgets; a merchant's maxEmailsPerWindow in MERCHANTS_FILE overrides it", API),
  SEND_BUDGET_WINDOW_SECONDS: setting(int(1, 86_400).default(600), "the window of the send budgets", API),
  // What one client may hold open over WebSocket (per API process). A frontend watches one
  // code on one connection; the per-client figures leave room for many users behind one NAT.
  WS_MAX_CONNECTIONS_PER_CLIENT: setting(int(1, 100_000).default(50), "open WebSocket connections per client IP (IPv6: per CLIENT_IPV6_PREFIX_LENGTH network) per API process", API),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: setting(int(1, 1_000).default(10), "live operations on one WebSocket connection", API),
  WS_MAX_SUBSCRIPTIONS_PER_CLIENT: setting(int(1, 100_000).default(100), "live subscriptions per client IP over all its connections, per API process (TOO_MANY_SUBSCRIPTIONS)", API),
  ...challengeEnvShape,
};

type EdgeEnv = { [K in keyof typeof edgeEnvShape]: z.infer<(typeof edgeEnvShape)[K]> };

export interface EdgeConfig {
  sendBudgets: SendBudgetPolicy;
  subscriptions: Omit<SubscriptionCapPolicy, 'ipv6PrefixLength'>;
  /** The bot check in front of requestOtp (off by default). */
  challenge: ChallengeConfig;
}

/** Refused subscribes a connection may send before it is closed: far past any honest client's retries. */
const REFUSALS_PER_CONNECTION = 100;

/** The edge's settings; problems with them are added to `problems`, each naming its variable. */
export function readEdgeConfig(env: EdgeEnv, problems: string[]): EdgeConfig {
  const challenge = readChallengeConfig(env);
  problems.push(...challenge.problems);
  return {
    challenge: challenge.config,
    sendBudgets: { maxPerDomain: env.SEND_BUDGET_PER_DOMAIN, maxTotal: env.SEND_BUDGET_TOTAL, maxPerMerchant: env.SEND_BUDGET_PER_MERCHANT, windowSeconds: env.SEND_BUDGET_WINDOW_SECONDS },
    subscriptions: {
      connectionsPerClient: env.WS_MAX_CONNECTIONS_PER_CLIENT,
      subscriptionsPerConnection: env.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      subscriptionsPerClient: env.WS_MAX_SUBSCRIPTIONS_PER_CLIENT,
      refusalsPerConnection: REFUSALS_PER_CONNECTION,
    },
  };
}
