// One code's whole life in one trace, across processes: an API process and a worker (the
// service as `npm start` runs it, on MongoDB), exporting with OTLP/HTTP (JSON) to a receiver on
// loopback. requestOtp's trace must hold the API's GraphQL operation and MongoDB command, the
// worker's email span, its SendGrid call and its outcome's MongoDB command, and the span of
// SendGrid's later event; verifyOtp's trace must hold the worker's merchant webhook. No span
// or attribute may carry the address, the code or a secret.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeSendGrid } from '../support/fake-sendgrid.js';
import { TEST_SECRET } from '../support/harness.js';
import { waitFor } from '../support/mongod-processes.js';
import { event, postEvents, PUBLIC_KEY } from '../support/sendgrid-events.js';
import { serve, stopService, type ServiceProcess } from '../support/service-process.js';
import { describeOnTier, mongoTier, mongoUri } from '../support/stores.js';

interface Exported {
  traceId: string;
  name: string;
  pid: number;
  attributes: string;
}

/** An OTLP/HTTP receiver (JSON): every span, with its process's pid. */
class Collector {
  readonly spans: Exported[] = [];
  readonly bodies: string[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      this.bodies.push(text);
      const body = JSON.parse(text) as { resourceSpans: { resource: { attributes: { key: string; value: { intValue?: number | string } }[] }; scopeSpans: { spans: { traceId: string; name: string; attributes: unknown[] }[] }[] }[] };
      for (const rs of body.resourceSpans ?? []) {
        const pid = Number(rs.resource.attributes.find((a) => a.key === 'process.pid')?.value.intValue);
        for (const scope of rs.scopeSpans) for (const s of scope.spans) this.spans.push({ traceId: s.traceId, name: s.name, pid, attributes: JSON.stringify(s.attributes) });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  inTrace(traceId: string) {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describeOnTier(mongoTier, 'traces across the API, the worker, SendGrid and the merchant (OTLP to a loopback receiver)', () => {
  const collector = new Collector();
  const sendgrid = new FakeSendGrid();
  const services: (ServiceProcess & { url: string })[] = [];
  let merchant: Server;
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;

  beforeAll(async () => {
    const endpoint = await collector.start();
    await sendgrid.start();
    merchant = createServer((req, res) => void req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
    const env = (role: 'api' | 'worker') => ({
      ROLE: role,
      MONGODB_URI: mongoUri!,
      MONGODB_DB: `otp_traces_${randomUUID().slice(0, 8)}`,
      OTP_SECRET: TEST_SECRET,
      SENDGRID_API_KEY: 'SG.trace-test-key',
      SENDGRID_BASE_URL: sendgrid.baseUrl,
      SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY,
      WEBHOOK_URL: `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/otp-events`,
      WEBHOOK_SECRET: webhookSecret,
      WEBHOOK_POLL_MS: '100',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const db = randomUUID().slice(0, 8);
    const api = await serve({ ...env('api'), MONGODB_DB: `otp_traces_${db}` });
    const worker = await serve({ ...env('worker'), MONGODB_DB: `otp_traces_${db}` });
    services.push(api, worker);
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s, 'SIGKILL')));
    merchant?.close();
    await sendgrid.close();
    await collector.close();
  });

  it('follows one code from the request through the worker and SendGrid to its event, and a verification to the merchant', { timeout: 60_000 }, async () => {
    const [api, worker] = services as [ServiceProcess & { url: string }, ServiceProcess & { url: string }];
    const gql = async (query: string) => (await fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json() as Promise<{ data: Record<string, { status: string; requestId?: string }> }>;
    const email = `traced-${randomUUID().slice(0, 8)}@example.com`;
    const sent = await gql(`mutation RequestOtp { requestOtp(input: { email: "${email}" }) { status requestId } }`);
    expect(sent.data.requestOtp!.status).toBe('SENT');
    const [mail] = await sendgrid.waitForEmails(1, email, 10_000);
    // SendGrid's event comes back with the custom args, the email span's traceparent among them.
    const traceparent = mail!.customArgs.traceparent;
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect((await postEvents(api.url, [event(sent.data.requestOtp!.requestId!, 'delivered', { traceparent })])).status).toBe(204);
    const verified = await gql(`mutation VerifyOtp { verifyOtp(input: { email: "${email}", requestId: "${sent.data.requestOtp!.requestId}", otp: "${mail!.code}" }) { status } }`);
    expect(verified.data.verifyOtp!.status).toBe('VERIFIED');

    const traceId = traceparent!.split('-')[1]!;
    const apiPid = api.child.pid!;
    const workerPid = worker.child.pid!;
    const has = (pid: number, name: RegExp) => collector.inTrace(traceId).some((s) => s.pid === pid && name.test(s.name));
    /** A MongoDB command's span ("update otp_state", "findAndModify …": db.system mongodb). */
    const mongo = (pid: number) => collector.inTrace(traceId).some((s) => s.pid === pid && s.attributes.includes('"mongodb"'));
    await waitFor('the request\'s trace, whole', async () => has(apiPid, /^otp\.delivery_event$/) && has(workerPid, /^otp\.email$/), 20_000);
    // The API's side: its HTTP span, the GraphQL operation, the MongoDB command that stored the code.
    expect(has(apiPid, /^POST/)).toBe(true);
    expect(has(apiPid, /^mutation RequestOtp$/)).toBe(true);
    expect(mongo(apiPid)).toBe(true);
    // The worker's, in another process: the email, the SendGrid call (the SDK's HTTP client), the outcome's update.
    expect(collector.inTrace(traceId).some((s) => s.pid === workerPid && s.name.startsWith('POST') && s.attributes.includes('/v3/mail/send'))).toBe(true);
    expect(mongo(workerPid)).toBe(true);

    // The verification's trace reaches the merchant's webhook, sent by the worker.
    // Spans leave each process in batches: wait (bounded) for the verification's to arrive too.
    const verifySpan = () => collector.spans.find((s) => s.pid === apiPid && s.name === 'mutation VerifyOtp');
    await waitFor('the verification\'s span', async () => verifySpan() !== undefined, 20_000);
    const verifyTrace = verifySpan()!.traceId;
    await waitFor('the merchant webhook in the verification\'s trace', async () => collector.inTrace(verifyTrace!).some((s) => s.pid === workerPid && s.name === 'otp.merchant_webhook'), 20_000);

    // Nothing a trace holds names the address, the code or a secret (the code as a number of its
    // own in any attribute: its six digits could occur inside a nanosecond timestamp by chance).
    const everything = collector.bodies.join('\n');
    for (const secret of [email, TEST_SECRET, 'SG.trace-test-key', webhookSecret.slice(6, 30)]) expect(everything).not.toContain(secret);
    expect(collector.spans.map((s) => s.attributes).join('\n')).not.toMatch(new RegExp(`(^|\\D)${mail!.code}(\\D|$)`));
  });
});
