import { int } from '../env.js';
import { challengeEnvShape, readChallengeConfig } from './challenge/challenge.config.js';
export const edgeEnvShape = {
    // Emails per mail domain and in total per window, whoever asks: size them at a few times
    // your busiest window (the README's "Send budgets" says how); 0 turns one off.
    SEND_BUDGET_PER_DOMAIN: int(0, 100_000_000).default(5_000),
    SEND_BUDGET_TOTAL: int(0, 100_000_000).default(10_000),
    SEND_BUDGET_WINDOW_SECONDS: int(1, 86_400).default(600),
    // What one client may hold open over WebSocket (per API process). A frontend watches one
    // code on one connection; the per-client figures leave room for many users behind one NAT.
    WS_MAX_CONNECTIONS_PER_CLIENT: int(1, 100_000).default(50),
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: int(1, 1_000).default(10),
    WS_MAX_SUBSCRIPTIONS_PER_CLIENT: int(1, 100_000).default(100),
    ...challengeEnvShape,
};
/** Refused subscribes a connection may send before it is closed: far past any honest client's retries. */
const REFUSALS_PER_CONNECTION = 100;
/** The edge's settings; problems with them are added to `problems`, each naming its variable. */
export function readEdgeConfig(env, problems) {
    const challenge = readChallengeConfig(env);
    problems.push(...challenge.problems);
    return {
        challenge: challenge.config,
        sendBudgets: { maxPerDomain: env.SEND_BUDGET_PER_DOMAIN, maxTotal: env.SEND_BUDGET_TOTAL, windowSeconds: env.SEND_BUDGET_WINDOW_SECONDS },
        subscriptions: {
            connectionsPerClient: env.WS_MAX_CONNECTIONS_PER_CLIENT,
            subscriptionsPerConnection: env.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
            subscriptionsPerClient: env.WS_MAX_SUBSCRIPTIONS_PER_CLIENT,
            refusalsPerConnection: REFUSALS_PER_CONNECTION,
        },
    };
}
//# sourceMappingURL=edge.config.js.map