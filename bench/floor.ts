// The floor L and L0 (issue 25): a bare node:http server, no framework and no GraphQL, that
// per request parses the body and issues exactly the MongoDB commands the service issues for
// that operation (built by the same builders, src/store/mongo/address.updates.ts, under the
// same limits), one request at a time with nothing shared between requests, on the same
// driver and pool. L0 does one updateOne upsert by _id. What is left between the service and L
// is everything that is not a round trip: HTTP parsing, GraphQL, policy, logging.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnyBulkWriteOperation, Collection, Document, MongoClient } from 'mongodb';
import type { Config } from '../src/config.js';
import { MongoBulkWriteError } from 'mongodb';
import { budgetCount, budgetGate, checkStep, clientStep, issueStep, type AddressDocument } from '../src/store/mongo/address.updates.js';
import { beforeDeadline, timeBound, writeDeadline } from '../src/store/mongo/time-bound.js';
import type { IssueLimits, WindowLimit } from '../src/store/otp.store.js';

const TIMEOUT_MS = 5_000;

async function body(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
}

const reply = (res: ServerResponse, value: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

/** L: POST /request { email } and POST /verify { email, requestId, otp }; L0: POST /upsert { email }. */
export async function startFloor(client: MongoClient, dbName: string, config: Config): Promise<{ l: string; l0: string }> {
  // Time-bound as the service's collection is (every operation carries an AbortSignal).
  const addresses: Collection<AddressDocument> = timeBound(client.db(dbName).collection<AddressDocument>('otp_state'), TIMEOUT_MS);
  const plain: Collection<Document> = client.db(dbName).collection('l0');
  const { otp, client: clients } = config;
  const guesses: WindowLimit = { max: otp.maxGuessesPerWindow, windowSeconds: otp.guessWindowSeconds };
  const limits: Omit<IssueLimits, 'client'> = {
    cooldownSeconds: otp.resendCooldownSeconds,
    sends: { max: otp.maxSendsPerWindow, windowSeconds: otp.sendWindowSeconds },
    maxLive: otp.maxSendsPerWindow,
    attempts: { maxAttempts: otp.maxAttempts, budget: guesses },
  };
  const requests: WindowLimit = { max: clients.maxRequestsPerWindow, windowSeconds: clients.windowSeconds };
  // Every address of the load is at one domain: its budget and the global one.
  const budgets = [config.edge.sendBudgets.maxPerDomain > 0 ? 'domain|floor.example' : null, config.edge.sendBudgets.maxTotal > 0 ? 'global' : null].filter((b) => b !== null);
  const budget: WindowLimit = { max: Math.max(config.edge.sendBudgets.maxPerDomain, config.edge.sendBudgets.maxTotal), windowSeconds: config.edge.sendBudgets.windowSeconds };
  const verifications: WindowLimit = { max: clients.maxVerificationsPerWindow, windowSeconds: clients.windowSeconds };
  const hash = (email: string, code: string) => createHmac('sha256', otp.secret).update(`${email}\n${code}`).digest('base64url');
  const caller = (req: IncomingMessage) => String(req.headers['x-forwarded-for'] ?? req.socket.remoteAddress);
  /** The caller's counter and the rest as one ordered bulk write, each update with its deadline: the service's claim. */
  const claim = (steps: { filter: Document; update: Document[] }[]) => {
    const deadline = writeDeadline(TIMEOUT_MS);
    const operations = steps.map(({ filter, update }) => ({ updateOne: { filter, update: beforeDeadline(update, deadline), upsert: true } }));
    return addresses.bulkWrite(operations as AnyBulkWriteOperation<AddressDocument>[], { ordered: true });
  };

  const l = createServer((req, res) => {
    void (async () => {
      const input = await body(req);
      const now = new Date();
      if (req.url === '/request') {
        const email = input.email!.toLowerCase();
        const code = String(randomBytes(4).readUInt32BE() % 1_000_000).padStart(6, '0');
        const newOtp = {
          id: randomUUID(),
          email,
          mailbox: email,
          purpose: 'default',
          codeHash: hash(email, code),
          sealedCode: randomBytes(28).toString('base64url'),
          createdAt: now,
          expiresAt: new Date(now.getTime() + otp.ttlSeconds * 1000),
          references: ['A1B2C3'] as [string],
          locale: null,
          transaction: null,
        };
        // The service's steps: the caller's counter, the send budgets' gates, the address, the budgets' counts.
        const steps = [clientStep(`request|${caller(req)}`, requests, now), ...budgets.map((b) => budgetGate(b, budget, now)), issueStep(newOtp, 'A1B2C3', limits), ...budgets.map((b) => budgetCount(b, budget, now))];
        const sent = await claim(steps).then(
          () => true,
          (error: unknown) => (error instanceof MongoBulkWriteError ? false : Promise.reject(error)),
        );
        return reply(res, { status: sent ? 'SENT' : 'RATE_LIMITED', requestId: newOtp.id, code });
      }
      if (req.url === '/verify') {
        await claim([clientStep(`verify|${caller(req)}`, verifications, now)]);
        const { filter, update } = checkStep({ mailbox: input.email!.toLowerCase(), purpose: 'default', id: input.requestId!, codeHash: hash(input.email!, input.otp!), now, maxAttempts: otp.maxAttempts, guesses });
        const doc = await addresses.findOneAndUpdate(filter, beforeDeadline(update, writeDeadline(TIMEOUT_MS)), { returnDocument: 'after', projection: { verdict: 1 } });
        return reply(res, { status: String((doc?.verdict as { result?: string } | undefined)?.result ?? 'not_found').toUpperCase() });
      }
      res.writeHead(404).end();
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });

  const l0 = createServer((req, res) => {
    void (async () => {
      const input = await body(req);
      await plain.updateOne({ _id: input.email as never }, { $set: { at: new Date() }, $inc: { n: 1 } }, { upsert: true });
      reply(res, { ok: true });
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });

  const listen = async (server: ReturnType<typeof createServer>, path: string) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  };
  return { l: await listen(l, ''), l0: await listen(l0, '/upsert') };
}
