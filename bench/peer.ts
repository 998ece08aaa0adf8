// The peer P (issue 25): better-auth's emailOTP plugin on its MongoDB adapter, on the same
// mongod, served by node:http as its docs show (toNodeHandler). Rate limits off, codes stored
// hashed, a send callback that does nothing (it sends no email, where the service's requestOtp
// row includes its email), and attempts raised as the service's are, so that wrong guesses
// spread over many addresses never lock one out during a run.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { betterAuth } from 'better-auth';
import { mongodbAdapter } from 'better-auth/adapters/mongodb';
import { toNodeHandler } from 'better-auth/node';
import { emailOTP } from 'better-auth/plugins';
import type { MongoClient } from 'mongodb';

/** POST <url>/email-otp/send-verification-otp { email, type } and /email-otp/check-verification-otp { email, type, otp }. */
export async function startPeer(client: MongoClient, dbName: string, secret: string): Promise<string> {
  const auth = betterAuth({
    baseURL: 'http://127.0.0.1',
    secret,
    database: mongodbAdapter(client.db(dbName)),
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
    plugins: [
      emailOTP({
        storeOTP: 'hashed',
        allowedAttempts: 1_000_000,
        expiresIn: 300,
        sendVerificationOTP: async () => undefined,
      }),
    ],
  });
  const server = createServer(toNodeHandler(auth));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth`;
}
