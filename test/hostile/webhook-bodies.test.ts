// Hostile: 400 sockets posting big bodies to /webhooks/sendgrid with a bogus signature, then
// stalling (issue 22, row 2: RSS 123 → 876 MB for as long as they stalled, the body buffered
// before the signature was checked). Now a missing, malformed or stale signature header is
// refused before a byte of the body is read, the body is limited to what SendGrid posts, and
// only a few bodies are read at once. The service runs as its own process (dist/, as `npm
// start` runs it) so that its RSS is its own; loopback only, every socket closed at the end.
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_KEY } from '../support/sendgrid-events.js';
import { serve, stopService, type ServiceProcess } from '../support/service-process.js';
import { TEST_SECRET } from '../support/harness.js';

const SOCKETS = 400;
/** What the review sent: past the body limit now, refused on its Content-Length alone. */
const CLAIMED_BYTES = 1_990_000;
/** Just under the body limit (1 MiB): these bodies would be read. */
const UNDER_LIMIT_BYTES = 1_000_000;
/** One filler for every socket's body: 400 bodies of their own would be 400 MB for this process to make and collect, and its own load would be measured in /healthz's time. */
const FILLER = Buffer.alloc(CLAIMED_BYTES, 0x20);
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/**
 * Opens a socket, sends `head` and `bodyBytes` of body, then stalls; the promise says what the
 * server answered when it closed the socket. A server that answers and closes while body
 * bytes are still arriving makes the kernel reset the connection, and a reset may drop the
 * answer before it is read: that close is told as `reset: <code>`.
 */
function stall(port: number, head: string, bodyBytes: number): { socket: Socket; answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  let error = '';
  socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
  socket.on('error', (e: NodeJS.ErrnoException) => (error ||= e.code ?? e.message));
  socket.write(head);
  if (bodyBytes > 0) socket.write(FILLER.subarray(0, bodyBytes));
  return { socket, answer: new Promise((resolve) => socket.on('close', () => resolve(answer || (error ? `reset: ${error}` : '')))) };
}

describe('SendGrid webhook under forged posts', () => {
  let service: ServiceProcess & { url: string };
  let port: number;
  let healthz: string;
  beforeAll(async () => {
    service = await serve({ NODE_ENV: 'test', OTP_SECRET: TEST_SECRET, SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY });
    port = Number(new URL(service.url).port);
    healthz = service.url.replace('/graphql', '/healthz');
  });
  afterAll(async () => service && stopService(service));

  const timedHealthz = async () => {
    const started = Date.now();
    const res = await fetch(healthz, { signal: AbortSignal.timeout(5_000) });
    return { ok: res.ok, ms: Date.now() - started };
  };

  it('refuses an unsigned, malformed or stale post before reading its body', async () => {
    const now = Math.floor(Date.now() / 1000);
    const heads = [
      `POST /webhooks/sendgrid HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${CLAIMED_BYTES}\r\n\r\n`,
      `POST /webhooks/sendgrid HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Twilio-Email-Event-Webhook-Signature: not base64 at all!\r\nX-Twilio-Email-Event-Webhook-Timestamp: ${now}\r\nContent-Length: ${CLAIMED_BYTES}\r\n\r\n`,
      `POST /webhooks/sendgrid HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Twilio-Email-Event-Webhook-Signature: ${'A'.repeat(96)}\r\nX-Twilio-Email-Event-Webhook-Timestamp: ${now - 3_600}\r\nContent-Length: ${CLAIMED_BYTES}\r\n\r\n`,
    ];
    for (const head of heads) {
      // Only the head is sent: an answer without the body proves the body was not waited for.
      const { socket, answer } = stall(port, head, 0);
      const text = await Promise.race([answer, new Promise<string>((r) => setTimeout(() => r(''), 3_000))]);
      socket.destroy();
      expect(text).toMatch(/^HTTP\/1\.1 403/);
    }
  });

  it(`holds ${SOCKETS} stalled forged posts to a bounded memory, /healthz answering within a second`, { timeout: 60_000 }, async () => {
    const before = rssMb(service.child.pid!);
    const now = Math.floor(Date.now() / 1000);
    // A well-formed (but bogus) signature and a fresh timestamp pass the header check: the
    // body limit and the in-flight cap are what hold these.
    const head = (length: number) =>
      `POST /webhooks/sendgrid HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Twilio-Email-Event-Webhook-Signature: MEUCIQ${'A'.repeat(90)}==\r\nX-Twilio-Email-Event-Webhook-Timestamp: ${now}\r\nContent-Length: ${length}\r\n\r\n`;
    // Half as the review sent them (past the limit), half just under it, every one stalling one byte short.
    const posts = Array.from({ length: SOCKETS }, (_, i) => (i % 2 ? stall(port, head(CLAIMED_BYTES), CLAIMED_BYTES - 1) : stall(port, head(UNDER_LIMIT_BYTES), UNDER_LIMIT_BYTES - 1)));
    try {
      let peak = before;
      const health = [];
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 500));
        peak = Math.max(peak, rssMb(service.child.pid!));
        health.push(await timedHealthz());
      }
      expect(health.every((h) => h.ok), JSON.stringify(health)).toBe(true);
      expect(Math.max(...health.map((h) => h.ms)), `/healthz times ${JSON.stringify(health.map((h) => h.ms))}`).toBeLessThan(1_000);
      expect(peak - before, `RSS ${before} → ${peak} MB`).toBeLessThan(100);
      if (process.env.HOSTILE_FIGURES) console.log(`row 2: RSS ${before.toFixed(0)} → ${peak.toFixed(0)} MB, slowest /healthz ${Math.max(...health.map((h) => h.ms))} ms`);
      // Each was refused and closed by the server (413 too large, 503 busy, 408 too slow, 429
      // past the client's posts per minute; or
      // closed while its body was still being sent, the answer lost to the reset), none
      // accepted, none left open.
      const answers = await Promise.all(posts.map((p) => Promise.race([p.answer, new Promise<string>((r) => setTimeout(() => r('open'), 20_000))])));
      const unanswered = answers.filter((a) => !/^HTTP\/1\.1 (413|503|408|429)|^reset: (EPIPE|ECONNRESET)$/.test(a));
      expect(unanswered.length, `not refused: ${JSON.stringify(unanswered.slice(0, 3).map((a) => a.slice(0, 40)))}`).toBe(0);
      expect(answers.filter((a) => a.startsWith('HTTP/1.1 ')).length, 'some refusals read in full').toBeGreaterThan(0);
    } finally {
      for (const post of posts) post.socket.destroy();
    }
  });
});
