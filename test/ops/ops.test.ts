// Health, readiness, metrics and request ids, over real HTTP against the started server.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_OTP, RESEND_OTP, startHarness, VERIFY_OTP, wrongCode, type Harness } from '../support/harness.js';

const METRICS_TOKEN = 'metrics-token-for-tests';

describe('operations endpoints', () => {
  let h: Harness;
  const base = () => h.url.replace(/\/graphql$/, '');
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base()}${path}`, { headers });
  const scrape = async () => (await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).text();
  const sample = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };

  beforeAll(async () => {
    h = await startHarness({ METRICS_TOKEN, OTP_RESEND_COOLDOWN_SECONDS: '0' });
  });
  afterAll(async () => h.close());
  beforeEach(() => h.sendgrid.reset());

  it('answers /healthz', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when store, listener and mailer are, and says which is not', async () => {
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', listener: 'ok', mailer: 'ok', shutdown: 'ok' } });

    await h.app.dispatcher!.stop();
    const stopped = await get('/readyz');
    expect(stopped.status).toBe(503);
    expect(await stopped.json()).toMatchObject({ status: 'not ready', checks: { listener: 'not running', store: 'ok' } });
    await h.app.dispatcher!.start();
    expect((await get('/readyz')).status).toBe(200);
  });

  it('moves the metrics as a flow runs, with no address or code in them', async () => {
    const before = await scrape();
    const email = `metrics-${Date.now()}@example.com`;
    h.sendgrid.answer({ status: 429 });
    const { requestId } = (await h.gql(REQUEST_OTP, { input: { email } }, { 'x-request-id': 'flow-1' })).data!.requestOtp;
    const code = await h.sendgrid.latestCode(email);
    await h.app.dispatcher!.idle();
    await h.gql(RESEND_OTP, { input: { email, requestId: randomUUID() } }); // no such request
    await h.gql(VERIFY_OTP, { input: { email, requestId, otp: wrongCode(code) } });
    await h.gql(VERIFY_OTP, { input: { email, requestId, otp: code } });
    const after = await scrape();

    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('otp_requests_total{status="SENT"}')).toBe(1);
    expect(delta('otp_resends_total{status="NOT_FOUND"}')).toBe(1);
    expect(delta('otp_verifications_total{status="MISMATCHED"}')).toBe(1);
    expect(delta('otp_verifications_total{status="VERIFIED"}')).toBe(1);
    expect(delta('otp_emails_total{outcome="retried"}')).toBe(1);
    expect(delta('otp_emails_total{outcome="sent"}')).toBe(1);
    expect(delta('otp_email_delay_seconds_count')).toBe(1);
    expect(delta('graphql_operation_duration_seconds_count{operation="RequestOtp"}')).toBe(1);
    expect(delta('graphql_operation_duration_seconds_count{operation="VerifyOtp"}')).toBe(2);
    expect(after).toContain('otp_delivery_oldest_pending_seconds 0');
    expect(after).toContain('process_resident_memory_bytes');
    expect(after).not.toContain(email);
    expect(after).not.toContain(code);
  });

  it("names an operation in metrics by its root field, whatever the client called it, so clients' names cannot grow the series", async () => {
    const before = await scrape();
    const email = `names-${Date.now()}@example.com`;
    // The README's named operations, an anonymous one, and names a client made up.
    await h.gql(`mutation SignIn { requestOtp(input: { email: "${email}" }) { status } }`);
    await h.gql('{ otpPolicy { ttlSeconds } }');
    for (let i = 0; i < 5; i++) await h.gql(`query Made${i}Up { otpPolicy { codeLength } }`);
    await h.gql('query Two { a: otpPolicy { ttlSeconds } b: otpPolicy { codeLength } }');
    const after = await scrape();
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('graphql_operation_duration_seconds_count{operation="RequestOtp"}')).toBe(1);
    expect(delta('graphql_operation_duration_seconds_count{operation="OtpPolicy"}')).toBe(6);
    expect(delta('graphql_operation_duration_seconds_count{operation="other"}')).toBe(1);
    expect(after).not.toMatch(/operation="(SignIn|Made\dUp|Two)"/);
    // The client's own name is in the log line.
    expect(h.logs.some((l) => l.includes('"operationName":"SignIn"'))).toBe(true);
  });

  it('answers /metrics even when the store does not, with otp_store_up saying so', async () => {
    const own = await startHarness();
    try {
      const scrapeOwn = async () => fetch(own.url.replace('/graphql', '/metrics'));
      expect(await (await scrapeOwn()).text()).toMatch(/^otp_store_up 1$/m);
      await own.app.store.close(); // the embedded store's ping now fails, as an unreachable MongoDB's would
      const down = await scrapeOwn();
      expect(down.status).toBe(200);
      const text = await down.text();
      expect(text).toMatch(/^otp_store_up 0$/m);
      expect(text).toContain('otp_requests_total');
      expect(text).toContain('process_resident_memory_bytes');
    } finally {
      await own.close();
    }
  });

  it('protects /metrics with METRICS_TOKEN when set', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
  });

  it('takes the request id from X-Request-Id, returns it, and logs one line per operation with it', async () => {
    const res = await h.gql('{ otpPolicy { ttlSeconds } }', undefined, { 'x-request-id': 'abc-123' });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const line = h.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === 'abc-123');
    expect(line).toMatchObject({ msg: 'graphql operation', status: 'OK' });
    expect(line.durationMs).toBeGreaterThan(0);

    const generated = await h.gql('{ otpPolicy { ttlSeconds } }');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs a full flow with its request id and never the code', async () => {
    const email = `logs-${Date.now()}@example.com`;
    const { requestId } = (await h.gql(REQUEST_OTP, { input: { email } }, { 'x-request-id': 'req-flow-2' })).data!.requestOtp;
    const code = await h.sendgrid.latestCode(email);
    await h.gql(VERIFY_OTP, { input: { email, requestId, otp: code } }, { 'x-request-id': 'req-flow-3' });
    const logs = h.logs.join('\n');
    expect(logs).toContain('"requestId":"req-flow-2"');
    expect(logs).toContain('"requestId":"req-flow-3"');
    expect(logs).not.toContain(code);
    expect(logs).not.toContain(TEST_SECRET_FRAGMENT);
  });

  it('turns not ready first thing on shutdown', async () => {
    h.app.readiness.draining = true; // what app.close() does before it stops the server
    const res = await get('/readyz');
    expect(res.status).toBe(503);
    expect((await res.json()).checks.shutdown).toBe('shutting down');
    h.app.readiness.draining = false;
  });

  it('turns not ready when the store is down', async () => {
    await h.app.store.close();
    const res = await get('/readyz');
    expect(res.status).toBe(503);
    expect((await res.json()).checks.store).toMatch(/^unreachable/);
  });
});

const TEST_SECRET_FRAGMENT = 'tS7kQ2vZ9xW4bN1m';
