// The settings of the edge protections (send budgets shared by mailboxes; later the bot
// challenge and the subscription caps), read with the rest of the configuration in config.ts
// but kept beside the code they configure.
import type { z } from 'zod';
import { int } from '../env.js';
import type { SendBudgetPolicy } from './send-budgets.js';

export const edgeEnvShape = {
  // Emails per mail domain and in total per window, whoever asks: size them at a few times
  // your busiest window (the README's "Send budgets" says how); 0 turns one off.
  SEND_BUDGET_PER_DOMAIN: int(0, 100_000_000).default(5_000),
  SEND_BUDGET_TOTAL: int(0, 100_000_000).default(10_000),
  SEND_BUDGET_WINDOW_SECONDS: int(1, 86_400).default(600),
};

type EdgeEnv = { [K in keyof typeof edgeEnvShape]: z.infer<(typeof edgeEnvShape)[K]> };

export interface EdgeConfig {
  sendBudgets: SendBudgetPolicy;
}

export function readEdgeConfig(env: EdgeEnv): EdgeConfig {
  return {
    sendBudgets: { maxPerDomain: env.SEND_BUDGET_PER_DOMAIN, maxTotal: env.SEND_BUDGET_TOTAL, windowSeconds: env.SEND_BUDGET_WINDOW_SECONDS },
  };
}
