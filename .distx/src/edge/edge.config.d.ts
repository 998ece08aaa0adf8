import type { z } from 'zod';
import { type ChallengeConfig } from './challenge/challenge.config.js';
import type { SendBudgetPolicy } from './send-budgets.js';
import type { SubscriptionCapPolicy } from './subscription-caps.js';
export declare const edgeEnvShape: {
    CHALLENGE: z.ZodDefault<z.ZodEnum<{
        altcha: "altcha";
        hcaptcha: "hcaptcha";
        off: "off";
        turnstile: "turnstile";
    }>>;
    CHALLENGE_SECRET: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    CHALLENGE_SITE_KEY: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    CHALLENGE_VERIFY_URL: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    ALTCHA_DIFFICULTY: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    ALTCHA_EXPIRES_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    SEND_BUDGET_PER_DOMAIN: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    SEND_BUDGET_TOTAL: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    SEND_BUDGET_WINDOW_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    WS_MAX_CONNECTIONS_PER_CLIENT: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    WS_MAX_SUBSCRIPTIONS_PER_CLIENT: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
};
type EdgeEnv = {
    [K in keyof typeof edgeEnvShape]: z.infer<(typeof edgeEnvShape)[K]>;
};
export interface EdgeConfig {
    sendBudgets: SendBudgetPolicy;
    subscriptions: Omit<SubscriptionCapPolicy, 'ipv6PrefixLength'>;
    /** The bot check in front of requestOtp (off by default). */
    challenge: ChallengeConfig;
}
/** The edge's settings; problems with them are added to `problems`, each naming its variable. */
export declare function readEdgeConfig(env: EdgeEnv, problems: string[]): EdgeConfig;
export {};
