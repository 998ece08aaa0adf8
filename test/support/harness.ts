// Starts the real service (the same createApp as `npm start`) on a free port, with the real
// SendGrid SDK pointed at a FakeSendGrid, and gives the test a small GraphQL client.
import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { createRemoteJWKSet } from 'jose';
import { pino } from 'pino';
import { createApp, type App, type AppOverrides } from '../../src/app.js';
import { createOtpClient, type OtpClient } from '../../packages/client/src/index.js';
import { loadConfig } from '../../src/config.js';
import { FakeSendGrid } from './fake-sendgrid.js';
import { mongoTier } from './stores.js';

export const TEST_SECRET = 'test-secret-tS7kQ2vZ9xW4bN1mR8cH3jL6pF0dG5yE_uA';
/** A verification-token signing key for tests that configure one (production wants one). */
export const TEST_TOKEN_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
export const TEST_API_KEY = 'SG.test-key-not-real';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

export interface Harness {
  app: App;
  url: string;
  sendgrid: FakeSendGrid;
  /** The shipped typed client, pointed at the server. */
  client: OtpClient;
  /** Every log line the service wrote, as text. */
  logs: string[];
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** Captures pino's output in memory so tests can read (and scan) the logs. */
export function memoryLogger(lines: string[]) {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return pino({ level: 'debug' }, sink);
}

export async function startHarness(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<Harness> {
  const sendgrid = new FakeSendGrid();
  await sendgrid.start();
  // A database of its own on the suite's mongod, dropped on close (unless the test brings its store).
  const storeEnv = env.MONGODB_URI || overrides.store ? {} : mongoTier.env();
  const config = loadConfig({
    NODE_ENV: 'test',
    ...storeEnv,
    PORT: '0',
    HOST: '127.0.0.1',
    OTP_SECRET: TEST_SECRET,
    SENDGRID_API_KEY: TEST_API_KEY,
    SENDGRID_BASE_URL: sendgrid.baseUrl,
    DELIVERY_RETRY_BASE_MS: '20',
    // Every test client is 127.0.0.1: per-client limits are raised unless a test is about them.
    CLIENT_MAX_REQUESTS_PER_WINDOW: '100000',
    CLIENT_MAX_VERIFICATIONS_PER_WINDOW: '100000',
    CLIENT_MAX_STATUS_READS_PER_WINDOW: '100000',
    // Every test address is at example.com: the shared send budgets too, unless a test is about them.
    SEND_BUDGET_PER_DOMAIN: '0',
    SEND_BUDGET_TOTAL: '0',
    // Production wants a metrics token; tests about /metrics give their own.
    // (and refuses the placeholder sender and names: tests keep them, and say so).
    ...(env.NODE_ENV === 'production' ? { METRICS_TOKEN: 'Hq7Zt3Lw9Kc2Vx7Nb4Rp1Hs6Jd0Fy5GaXe', MAIL_ALLOW_PLACEHOLDERS: 'true', VERIFICATION_TOKEN_PRIVATE_KEY: TEST_TOKEN_KEY } : {}),
    ...env,
  });
  const logs: string[] = [];
  const app = await createApp(config, { logger: memoryLogger(logs), ...overrides });
  const url = await app.start();

  return {
    app,
    url,
    sendgrid,
    client: createOtpClient({ url }),
    logs,
    async gql(query, variables, headers = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as Omit<GraphQLResponse, 'status' | 'headers'>;
      return { status: res.status, headers: res.headers, ...body } as GraphQLResponse<any>;
    },
    async close() {
      await app.close();
      await sendgrid.close();
      if (storeEnv.MONGODB_DB) await mongoTier.disposeEnv(storeEnv);
    },
  };
}

/** Runs `body` against a server started with `env`, and always closes it. */
export async function withHarness(env: Record<string, string>, body: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness(env);
  try {
    await body(h);
  } finally {
    await h.close();
  }
}

/** The service's published token keys, as a merchant's backend fetches them. */
export const jwksOf = (graphqlUrl: string) => createRemoteJWKSet(new URL(graphqlUrl.replace(/\/graphql$/, '/.well-known/jwks.json')));

export const REQUEST_OTP = /* GraphQL */ `
  mutation RequestOtp($input: RequestOtpInput!) {
    requestOtp(input: $input) { success status message email expiresAt retryAfterSeconds requestId }
  }
`;

export const RESEND_OTP = /* GraphQL */ `
  mutation ResendOtp($input: ResendOtpInput!) {
    resendOtp(input: $input) { success status message errorCode email expiresAt retryAfterSeconds reference requestId }
  }
`;

export const VERIFY_OTP = /* GraphQL */ `
  mutation VerifyOtp($input: VerifyOtpInput!) {
    verifyOtp(input: $input) { success status message errorCode attemptsRemaining retryAfterSeconds }
  }
`;

/** A code of the right length that is not `code`. */
export function wrongCode(code: string): string {
  const last = Number(code[code.length - 1]);
  return `${code.slice(0, -1)}${(last + 1) % 10}`;
}
