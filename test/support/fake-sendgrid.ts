// A local stand-in for SendGrid's v3 mail API, for the real SDK to talk to. It records each
// request, renders each personalization as SendGrid would (substitutions into the content),
// and answers from a script of statuses and delays, 202 once the script runs out.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mailSendProblems } from './mail-send-schema.js';

export interface ReceivedEmail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The digits substituted for {{otp}}. */
  code: string;
  /** SendGrid custom_args: what comes back on its events. */
  customArgs: Record<string, string>;
  /** The sender's display name (from.name). */
  fromName: string | undefined;
  /** The call's attachments (an inline logo: disposition inline, a content_id). */
  attachments: { content: string; filename: string; type?: string; disposition?: string; content_id?: string }[];
  /** A Dynamic Template's id and this recipient's dynamic_template_data, when one was sent. */
  templateId: string | undefined;
  data: Record<string, unknown> | undefined;
  receivedAt: number;
}

export interface ScriptedAnswer {
  status: number;
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface SendGridBody {
  from: { email: string; name?: string };
  subject?: string;
  content?: { type: string; value: string }[];
  attachments?: ReceivedEmail['attachments'];
  template_id?: string;
  tracking_settings?: Record<string, { enable?: boolean; enable_text?: boolean }>;
  personalizations: { to: { email: string }[]; substitutions?: Record<string, string>; dynamic_template_data?: Record<string, unknown>; custom_args?: Record<string, string> }[];
}

export class FakeSendGrid {
  /** Every POST /v3/mail/send, accepted or not. */
  readonly requests: { status: number; authorization: string | undefined; body: SendGridBody; at: number }[] = [];
  /** Emails from accepted (2xx) requests only: what recipients would get. */
  readonly emails: ReceivedEmail[] = [];
  /** Bodies refused for breaking SendGrid's Mail Send schema, with what broke it. */
  readonly invalidBodies: string[][] = [];
  private script: ScriptedAnswer[] = [];
  private defaultDelayMs = 0;
  /** Addresses SendGrid will not take: any call carrying one is refused whole with 400, as SendGrid does. */
  private readonly refused = new Set<string>();
  /** Until this time (epoch ms), every call is answered with `outage.status`. */
  private outage: { until: number; status: number } | null = null;
  private readonly server: Server;
  private waiters: (() => void)[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, delayMs, headers = {} }) => {
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(status >= 400 ? JSON.stringify({ errors: [{ message: `fake ${status}` }] }) : '');
        }, delayMs);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next answers, in order; afterwards 202. */
  answer(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  /** Delays every default 202 answer (a slow provider). */
  delayAll(ms: number): void {
    this.defaultDelayMs = ms;
  }

  /** Refuses every call that carries `address` (400), as SendGrid refuses an address it will not take. */
  refuse(address: string): void {
    this.refused.add(address);
  }

  /** Answers every call with `status` (503: down) for the next `ms`. */
  downFor(ms: number, status = 503): void {
    this.outage = { until: Date.now() + ms, status };
  }

  reset(): void {
    this.requests.length = 0;
    this.emails.length = 0;
    this.invalidBodies.length = 0;
    this.script = [];
    this.defaultDelayMs = 0;
    this.refused.clear();
    this.outage = null;
  }

  emailsTo(address: string): ReceivedEmail[] {
    return this.emails.filter((e) => e.to === address);
  }

  /** Waits until at least `count` emails have arrived for `address` (or in all, without one). */
  async waitForEmails(count: number, address?: string, timeoutMs = 5_000): Promise<ReceivedEmail[]> {
    const have = () => (address ? this.emailsTo(address) : this.emails);
    const deadline = Date.now() + timeoutMs;
    while (have().length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} email(s)${address ? ` to ${address}` : ''}, got ${have().length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return have();
  }

  /** The latest code emailed to `address`, waiting for it if needed. */
  async latestCode(address: string, expectedCount = 1): Promise<string> {
    const emails = await this.waitForEmails(expectedCount, address);
    return emails[emails.length - 1]!.code;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<ScriptedAnswer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v3/mail/send') return { status: 404 };
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SendGridBody;
    // A body SendGrid's published schema rejects is refused as SendGrid refuses it.
    const invalid = mailSendProblems(body);
    if (invalid.length > 0) {
      this.invalidBodies.push(invalid);
      this.requests.push({ status: 400, authorization: req.headers.authorization, body, at: Date.now() });
      return { status: 400 };
    }
    const carriesRefused = body.personalizations.some((p) => p.to.some((to) => this.refused.has(to.email)));
    const down = this.outage && Date.now() < this.outage.until ? { status: this.outage.status } : null;
    const answer = down ?? (carriesRefused ? { status: 400 } : undefined) ?? this.script.shift() ?? { status: 202, delayMs: this.defaultDelayMs };
    this.requests.push({ status: answer.status, authorization: req.headers.authorization, body, at: Date.now() });
    if (answer.status >= 200 && answer.status < 300) {
      // Recorded when the answer is decided, as SendGrid would have queued the mail by then.
      const receivedAt = Date.now();
      const text = body.content?.find((c) => c.type === 'text/plain')?.value ?? '';
      const html = body.content?.find((c) => c.type === 'text/html')?.value ?? '';
      for (const p of body.personalizations) {
        const subs = p.substitutions ?? {};
        const render = (s: string) => Object.entries(subs).reduce((acc, [k, v]) => acc.split(k).join(v), s);
        for (const to of p.to) {
          this.emails.push({
            to: to.email,
            from: body.from.email,
            subject: render(body.subject ?? ''),
            text: render(text),
            html: render(html),
            code: subs['{{otp}}'] ?? String(p.dynamic_template_data?.code ?? ''),
            customArgs: p.custom_args ?? {},
            fromName: body.from.name,
            attachments: body.attachments ?? [],
            templateId: body.template_id,
            data: p.dynamic_template_data,
            receivedAt,
          });
        }
      }
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((w) => w());
    }
    return answer;
  }
}
