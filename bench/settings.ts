// The service's settings under the bench, shared by the service (server.ts) and the floor
// (floor.ts), so that both judge the same limits.
export const TTL_SECONDS = 300;

export const BENCH_ENV = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'info',
  PORT: '0',
  HOST: '127.0.0.1',
  GRAPHQL_PLAYGROUND: 'off',
  OTP_SECRET: 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
  SENDGRID_API_KEY: 'SG.bench',
  OTP_TTL_SECONDS: String(TTL_SECONDS),
  // Limits raised so that nothing in the load is rate limited or locked out.
  OTP_RESEND_COOLDOWN_SECONDS: '0',
  OTP_MAX_SENDS_PER_WINDOW: '1000000',
  OTP_MAX_GUESSES_PER_WINDOW: '1000', // the most allowed (the sliding window keeps a time per guess)
  OTP_MAX_ATTEMPTS: '1000',
  CLIENT_MAX_REQUESTS_PER_WINDOW: '1000000',
  // The load is many addresses at one domain, far past any real budget: on (their steps are
  // part of every request's command), but as large as they go, so that none is spent.
  SEND_BUDGET_PER_DOMAIN: '100000000',
  SEND_BUDGET_TOTAL: '100000000',
  CLIENT_MAX_VERIFICATIONS_PER_WINDOW: '1000000',
  // The load comes from 1,000 client addresses in X-Forwarded-For (bench/run.ts).
  TRUST_PROXY: 'true',
};
