// The real entry point as `npm start` runs it (compiled by `npm test`'s tsc step): the
// embedded default with the log mailer, bad configuration, and a clean SIGTERM.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listeningOn } from '../src/app.js';
import { FakeSendGrid } from './support/fake-sendgrid.js';
import { startService, waitForLine } from './support/service-process.js';
import { TEST_SECRET } from './support/harness.js';

/** The one JSON line a refused configuration writes: its variables and problems. */
const run = promisify(execFile);

const configRefusal = (lines: string[]) => {
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as { level: number; variables: string[]; problems: string[]; msg: string };
};

describe('the start-up line', () => {
  it('says where the service listens: every interface by default, not the URL it prints', () => {
    expect(listeningOn('0.0.0.0', 4000)).toBe('0.0.0.0:4000 (every interface)');
    expect(listeningOn('::', 4000)).toBe('[::]:4000 (every interface)');
    expect(listeningOn('127.0.0.1', 4000)).toBe('127.0.0.1:4000 (this machine only)');
    expect(listeningOn('10.0.0.5', 4000)).toBe('10.0.0.5:4000');
  });
});

describe('npm start (dist/src/main.js)', () => {
  it('stops on a bad setting with one line naming the variable', async () => {
    const { child, lines } = startService({ OTP_LENGTH: '12' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(configRefusal(lines)).toMatchObject({
      level: 60,
      variables: ['OTP_LENGTH'],
      msg: 'start-up abandoned: invalid configuration: OTP_LENGTH: must be a whole number from 4 to 10',
    });
  });

  it('stops on an email template that lacks the code or holds a link, with one problem per file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otp-bad-templates-'));
    await writeFile(join(dir, 'body.text.hbs'), 'Your code is on its way.');
    await writeFile(join(dir, 'closing.hbs'), 'Questions? https://bank.example/help');
    const { child, lines } = startService({ MAIL_TEMPLATES_DIR: dir });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    const refusal = configRefusal(lines);
    expect(refusal.variables.every((v) => v === 'MAIL_TEMPLATES_DIR')).toBe(true);
    expect(refusal.problems).toContain('MAIL_TEMPLATES_DIR: closing.hbs: holds a web address: mail clients make it a link, and an OTP email has none');
    // (A broken file breaks every email it is in: the set's files are judged first, and said once.)
    expect(refusal.problems.every((p) => p.startsWith('MAIL_TEMPLATES_DIR: closing.hbs: '))).toBe(true);
  });

  it('stops on a template that lacks the code, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otp-bad-templates-'));
    await writeFile(join(dir, 'body.text.hbs'), 'Your code is on its way.');
    const { child, lines } = startService({ MAIL_TEMPLATES_DIR: dir });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    const { problems } = configRefusal(lines);
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^MAIL_TEMPLATES_DIR: body\.text\.hbs: the text part never shows \{\{\w+\}\} \(/);
    expect(problems).toContain('MAIL_TEMPLATES_DIR: body.text.hbs: the text part never shows {{code}} (signIn email in en)');
  });

  it('refuses to start with NODE_ENV unset once anything is configured for a deployment', async () => {
    const { child, lines } = startService({ NODE_ENV: '', SENDGRID_API_KEY: 'SG.real-looking-key' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    const refusal = configRefusal(lines);
    // NODE_ENV first; and since it looks like a deployment, what production would also want.
    expect(refusal.variables[0]).toBe('NODE_ENV');
    expect(refusal.msg).toMatch(/NODE_ENV: must be set when MONGODB_URI or SENDGRID_API_KEY is: production for a deployment/);
  });

  it('says in one JSON line that PORT is in use, before the dispatcher says it listens', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const { child, lines } = startService({ PORT: String(port), HOST: '127.0.0.1' });
      const [code] = await once(child, 'exit');
      expect(code).toBe(1);
      const fatal = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 60);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatchObject({ variable: 'PORT', port, msg: `start-up abandoned: PORT ${port} is already in use on 127.0.0.1; stop what holds it, or set PORT to a free port` });
      expect(lines.join('\n')).not.toMatch(/dispatcher listening|otp-graphql is serving/);
    } finally {
      holder.close();
    }
  });

  it('reads .env from the working directory, with the environment taking precedence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otp-env-'));
    await writeFile(join(dir, '.env'), 'OTP_LENGTH=12\nOTP_MAX_ATTEMPTS=0\n');
    const { child, lines } = startService({ OTP_MAX_ATTEMPTS: '3' }, dir);
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    const refusal = configRefusal(lines);
    expect(refusal.problems).toEqual(['OTP_LENGTH: must be a whole number from 4 to 10']);
    // It says the value came from .env, and which ones .env gave (the environment's OTP_MAX_ATTEMPTS won).
    expect(refusal).toMatchObject({ fromEnvFile: ['OTP_LENGTH'] });
    expect(refusal.msg).toContain(`(read from ${join(realpathSync(dir), '.env')}: OTP_LENGTH)`);
  });

  it('names .env when a Docker .env (NODE_ENV=production) at the root breaks npm start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otp-env-'));
    await writeFile(join(dir, '.env'), 'NODE_ENV=production\nMAIL_FROM=otp@shop.my\n');
    const { child, lines } = startService({ NODE_ENV: undefined }, dir);
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    const refusal = configRefusal(lines);
    expect(refusal).toMatchObject({ fromEnvFile: ['MAIL_FROM', 'NODE_ENV'] });
    expect(refusal.msg).toMatch(/\(read from .*\.env: MAIL_FROM, NODE_ENV\)$/);
  });

  it('refuses production without a key and a strong secret', async () => {
    const { child, lines } = startService({ NODE_ENV: 'production' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(configRefusal(lines).variables).toEqual(expect.arrayContaining(['OTP_SECRET', 'SENDGRID_API_KEY', 'METRICS_TOKEN']));
  });

  it('says in one JSON line that MongoDB is unreachable, naming the host and variable, never the password', { timeout: 20_000 }, async () => {
    const { child, lines } = startService({ MONGODB_URI: 'mongodb://otp-user:s3cret-pw@127.0.0.1:1/?replicaSet=rs0' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { level: number; msg: string; variable: string; hosts: string };
    expect(line).toMatchObject({ level: 60, variable: 'MONGODB_URI', hosts: '127.0.0.1:1' });
    expect(line.msg).toMatch(/^start-up abandoned: MongoDB at 127\.0\.0\.1:1 \(MONGODB_URI\) could not be reached: .*ECONNREFUSED.*Check that it is running/);
    expect(lines[0]).not.toContain('s3cret-pw');
    expect(lines[0]).not.toContain('otp-user');
  });

  it('says in one JSON line that a malformed MONGODB_URI is not a MongoDB connection string', async () => {
    const { child, lines } = startService({ MONGODB_URI: 'postgres://user:pw@db:5432/otp' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { msg: string; variable: string };
    expect(line.variable).toBe('MONGODB_URI');
    expect(line.msg).toMatch(/MONGODB_URI is not a valid MongoDB connection string .*mongodb:\/\/host:27017/);
    expect(lines[0]).not.toContain('pw@');
  });

  it('without a mongod, stops with one line saying how to get one, not that a download host is unreachable', async () => {
    const { child, lines } = startService({ NODE_ENV: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', MONGOMS_SYSTEM_BINARY: '/nonexistent/mongod' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    const fatal = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({
      variable: 'MONGODB_URI',
      msg: 'start-up abandoned: MONGODB_URI is not set and MONGOMS_SYSTEM_BINARY (/nonexistent/mongod) does not exist: set MONGODB_URI to a replica set, or run `npm run mongod:fetch`',
    });
    expect(lines.join('\n')).not.toMatch(/unreachable|fastdl|otp-graphql is serving/);
  });

  it('serves the flow on the embedded default with the log mailer, and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    // As a fresh checkout runs it: NODE_ENV not set, nothing configured.
    const { child, lines } = startService({ NODE_ENV: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    try {
      const serving = JSON.parse(await waitForLine(lines, /otp-graphql is serving/, 30_000)) as { url: string; store: string; listening: string; msg: string };
      const url = serving.url;
      // Where it listens, as well as a URL to try.
      expect(serving.listening).toMatch(/^127\.0\.0\.1:\d+ \(this machine only\)$/);
      expect(serving.msg).toBe(`otp-graphql is serving at ${url}, listening on ${serving.listening}`);
      // The embedded default: a real mongod replica set (the binary `npm install` put in
      // place), and the log says so.
      expect(serving.store).toBe('mongodb');
      expect(lines.some((l) => l.includes('using an embedded mongod replica set'))).toBe(true);
      const post = (query: string) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then((r) => r.json());

      const sent = await post('mutation { requestOtp(input: { email: "dev@example.com" }) { status requestId } }');
      expect(sent).toEqual({ data: { requestOtp: { status: 'SENT', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) } } });
      const email = JSON.parse(await waitForLine(lines, /\(log mailer, development only/)) as { to: string; text: string; msg: string };
      expect(email.to).toBe('dev@example.com');
      // The code leads the line, for a person reading the log.
      const code = /^code (\d{6}) for dev@example\.com \(log mailer/.exec(email.msg)![1]!;
      expect(email.text).toContain(code);
      // It said why it runs as development.
      expect(lines.some((l) => l.includes('NODE_ENV is not set and nothing is configured for a deployment'))).toBe(true);

      // The log mailer plays SendGrid's part: the email is DELIVERED a moment later, and an
      // address ending in +bounce bounces, so a frontend can see each state without SendGrid.
      const state = async (requestId: string) => (await post(`{ otpDelivery(requestId: "${requestId}") { state } }`)).data?.otpDelivery?.state;
      await expect.poll(() => state(sent.data.requestOtp.requestId), { timeout: 10_000 }).toBe('DELIVERED');
      const bouncing = await post('mutation { requestOtp(input: { email: "tester+bounce@example.com" }) { status requestId } }');
      await expect.poll(() => state(bouncing.data.requestOtp.requestId), { timeout: 10_000 }).toBe('BOUNCED');

      const verified = await post(`mutation { verifyOtp(input: { email: "dev@example.com", requestId: "${sent.data.requestOtp.requestId}", otp: "${code}" }) { status } }`);
      expect(verified).toEqual({ data: { verifyOtp: { status: 'VERIFIED' } } });

      // The quick start's payment: an intent from the demo merchant's script, as the README shows it.
      expect(lines.some((l) => l.includes('node scripts/demo-intent.mjs 149.90 MYR'))).toBe(true);
      const intent = (await run(process.execPath, ['scripts/demo-intent.mjs', '149.90', 'MYR'], { cwd: new URL('..', import.meta.url).pathname })).stdout.trim();
      const paid = await post(`mutation { requestOtp(input: { email: "payer@example.com", purpose: "payment", paymentIntent: "${intent}" }) { status } }`);
      expect(paid).toEqual({ data: { requestOtp: { status: 'SENT' } } });
      const paymentEmail = JSON.parse(await waitForLine(lines, /for payer@example\.com \(log mailer/)) as { text: string };
      expect(paymentEmail.text).toContain('to Demo Shop.');
    } finally {
      child.kill('SIGTERM');
    }
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(0);
    expect(lines.some((l) => l.includes('shutting down'))).toBe(true);
  });

  it("runs the README's quick start as written, in order: sign in, verify, then pay, reading codes at /dev/mailbox", { timeout: 60_000 }, async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const quickStart = readme.slice(readme.indexOf('`npm start` needs no database'), readme.indexOf('## The two mutations'));
    // Each curl's body as the shell hands it over: '…' as written; "…" with \" and \\ unescaped and $INTENT expanded.
    const intent = (await run(process.execPath, ['scripts/demo-intent.mjs', '149.90', 'MYR'], { cwd: new URL('..', import.meta.url).pathname })).stdout.trim();
    const bodies = [...quickStart.matchAll(/-d '(\{.*\})'|-d "(\{.*\})"/g)].map((m) => m[1] ?? m[2]!.replace(/\\(["\\$`])/g, '$1').replace('$INTENT', intent));
    const [signIn, verify, pay] = bodies.map((body) => (JSON.parse(body) as { query: string }).query);
    expect([signIn, verify, pay].map((q) => /^mutation (\w+)/.exec(q ?? '')?.[1])).toEqual(['SignIn', 'Verify', 'Pay']);

    const { child, lines } = startService({ NODE_ENV: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    try {
      const { url } = JSON.parse(await waitForLine(lines, /otp-graphql is serving/, 30_000)) as { url: string };
      const post = (query: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then((r) => r.json()) as Promise<{ data: Record<string, Record<string, string>> }>;
      const mailbox = async (to: string) => {
        const res = await fetch(`${url.replace(/\/graphql$/, '/dev/mailbox')}?format=json&to=${to}`);
        return ((await res.json()) as { emails: { code: string; text: string }[] }).emails;
      };
      const sent = await post(signIn!);
      expect(sent.data.requestOtp).toMatchObject({ status: 'SENT' });
      await expect.poll(async () => (await mailbox('you@example.com')).length, { timeout: 10_000 }).toBe(1);
      const { code } = (await mailbox('you@example.com'))[0]!;
      const verified = await post(verify!.replace('0b6f5c1e-…', sent.data.requestOtp!.requestId!).replace('123456', code));
      expect(verified.data.verifyOtp).toMatchObject({ status: 'VERIFIED' });
      // Right after: the payment example is not refused by the sign-in's cooldown.
      expect((await post(pay!)).data.requestOtp).toMatchObject({ status: 'SENT' });
      await expect.poll(async () => (await mailbox('buyer@example.com'))[0]?.text ?? '', { timeout: 10_000 }).toContain('Use this code to confirm your payment of MYR\u00a0149.90 to Demo Shop.');
    } finally {
      child.kill('SIGTERM');
    }
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(0);
  });

  it('stops serving when `npm start` itself is killed outright (SIGKILL), instead of holding the port orphaned', { timeout: 60_000 }, async () => {
    const { MONGODB_URI: _m, SENDGRID_API_KEY: _s, ...inherited } = process.env;
    const npm = spawn('npm', ['start'], { cwd: new URL('..', import.meta.url).pathname, env: { ...inherited, NODE_ENV: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' } });
    const lines: string[] = [];
    npm.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter((l) => l.startsWith('{'))));
    let pid = 0;
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      ({ pid } = JSON.parse(await waitForLine(lines, /otp-graphql is serving/, 30_000)) as { pid: number });
      expect(alive()).toBe(true);
      npm.kill('SIGKILL'); // npm cannot pass this one on
      await expect.poll(alive, { timeout: 15_000, interval: 200 }).toBe(false);
      expect(lines.some((l) => l.includes('"signal":"npm start exited"') && l.includes('shutting down'))).toBe(true);
    } finally {
      if (pid && alive()) process.kill(pid, 'SIGKILL');
    }
  });

  it('on SIGTERM during a slow send: finishes that email exactly once, then exits 0', async () => {
    const sendgrid = new FakeSendGrid();
    await sendgrid.start();
    sendgrid.delayAll(2_000);
    const { child, lines } = startService({
      PORT: '0',
      HOST: '127.0.0.1',
      
      OTP_SECRET: TEST_SECRET,
      SENDGRID_API_KEY: 'SG.test',
      SENDGRID_BASE_URL: sendgrid.baseUrl,
    });
    try {
      const url = JSON.parse(await waitForLine(lines, /otp-graphql is serving/)).url as string;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { requestOtp(input: { email: "slow@example.com" }) { status } }' }),
      });
      expect((await res.json()).data.requestOtp.status).toBe('SENT');
      // SendGrid has the request and is taking 2 s to answer: now stop the service.
      while (sendgrid.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGTERM');
      const [exitCode] = await once(child, 'exit');
      expect(exitCode).toBe(0);
      expect(sendgrid.requests).toHaveLength(1);
      expect(sendgrid.emailsTo('slow@example.com')).toHaveLength(1);
      // The send was finished and recorded after SIGTERM and before the process stopped, not
      // abandoned. (Ordered by pino's timestamps: lines flushed at exit may arrive out of order.)
      const at = (msg: string) => lines.map((l) => JSON.parse(l) as { msg: string; time: number }).find((l) => l.msg === msg)?.time;
      expect(at('emails sent')).toBeGreaterThanOrEqual(at('shutting down')!);
      expect(at('stopped cleanly')).toBeGreaterThanOrEqual(at('emails sent')!);
      expect(lines.join('\n')).not.toContain(sendgrid.emails[0]!.code);
    } finally {
      child.kill('SIGKILL');
      await sendgrid.close();
    }
  });
});
