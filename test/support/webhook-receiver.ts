// A merchant's webhook receiver for tests: a real HTTP server on 127.0.0.1 (a free port) that
// checks every request's signature with the standardwebhooks library, as a merchant's backend
// would, and keeps what it accepted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
  body: string;
}

/** The merchant's backend: verifies each request with the library, answers 503 while "down". */
export class WebhookReceiver {
  readonly accepted: Received[] = [];
  /** Every try's webhook-id, accepted or not. */
  readonly tries: string[] = [];
  rejected = 0;
  down = false;
  private readonly server: Server;
  private readonly verifier: Webhook;

  constructor(secret: string) {
    this.verifier = new Webhook(secret);
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      this.tries.push(String(req.headers['webhook-id']));
      if (this.down) return void res.writeHead(503).end();
      try {
        const event = this.verifier.verify(body, req.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
        this.accepted.push({ id: String(req.headers['webhook-id']), type: event.type, data: event.data, body });
        res.writeHead(204).end();
      } catch {
        this.rejected += 1;
        res.writeHead(400).end();
      }
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/otp-events`;
  }

  of(type: string, email: string): Received[] {
    return this.accepted.filter((e) => e.type === type && e.data.email === email);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
