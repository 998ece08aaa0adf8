// Attacks over HTTP against the started server: guessing, inbox floods, hostile GraphQL and
// oversized bodies. Each is stopped at its stated bound, and the server keeps serving.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientNetwork } from '../../src/edge/client-network.js';
import { startHarness, withHarness, wrongCode } from '../support/harness.js';
const timed = async (label, work) => {
    const started = performance.now();
    const result = await work();
    console.log(`${label}: answered in ${(performance.now() - started).toFixed(1)} ms`);
    return result;
};
describe('brute force against one address', () => {
    let h;
    beforeAll(async () => {
        // An attacker who may request as many fresh codes as they like: only the attempt budget is left.
        h = await startHarness({ OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_SENDS_PER_WINDOW: '1000', OTP_MAX_ATTEMPTS: '5', OTP_MAX_GUESSES_PER_WINDOW: '10' });
    });
    afterAll(async () => h.close());
    it('gets at most OTP_MAX_GUESSES_PER_WINDOW wrong guesses per window, however many requests it opens', async () => {
        const email = 'victim@example.com';
        const statuses = [];
        const requests = [];
        for (let round = 1; round <= 6; round++) {
            const sent = await h.client.requestOtp({ email });
            requests.push(sent.status);
            if (sent.status !== 'SENT')
                continue;
            const code = await h.sendgrid.latestCode(email, requests.filter((r) => r === 'SENT').length);
            for (let guess = 0; guess < 6; guess++)
                statuses.push((await h.client.verifyOtp({ email, otp: wrongCode(code) })).status);
        }
        // Each request takes its 5 attempts from the budget of 10: two requests, then no more.
        expect(requests).toEqual(['SENT', 'SENT', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
        expect(statuses.filter((s) => s === 'MISMATCHED')).toHaveLength(10);
        expect(statuses.filter((s) => s === 'TOO_MANY_ATTEMPTS')).toHaveLength(2);
        const refused = await h.client.requestOtp({ email });
        expect(refused).toMatchObject({ status: 'RATE_LIMITED', message: 'Too many codes requested. Try again later.' });
        expect(refused.retryAfterSeconds).toBeGreaterThan(3500); // the wrong guesses hold the budget for the hour
        // Another address is unaffected.
        await h.client.requestOtp({ email: 'bystander@example.com' });
        const other = await h.sendgrid.latestCode('bystander@example.com');
        expect((await h.client.verifyOtp({ email: 'bystander@example.com', otp: other })).status).toBe('VERIFIED');
    });
    it('answers NOT_FOUND, at no cost to the address, for request ids it did not issue; right answers cost nothing', async () => {
        const statuses = [];
        for (let i = 0; i < 12; i++)
            statuses.push((await h.client.verifyOtp({ email: 'probed@example.com', requestId: randomUUID(), otp: '123456' })).status);
        expect(statuses).toEqual(Array(12).fill('NOT_FOUND'));
        const email = 'honest@example.com';
        for (let i = 1; i <= 12; i++) {
            await h.client.requestOtp({ email });
            const code = await h.sendgrid.latestCode(email, i);
            expect((await h.client.verifyOtp({ email, otp: code })).status).toBe('VERIFIED');
        }
    });
});
describe('inbox flood from one client', () => {
    let h;
    beforeAll(async () => {
        h = await startHarness({ CLIENT_MAX_REQUESTS_PER_WINDOW: '20', CLIENT_MAX_VERIFICATIONS_PER_WINDOW: '30' });
    });
    afterAll(async () => h.close());
    it('stops one IP after CLIENT_MAX_REQUESTS_PER_WINDOW codes across many addresses, X-Forwarded-For ignored', async () => {
        const results = [];
        for (let i = 0; i < 30; i++) {
            // Spoofed X-Forwarded-For: not believed, since TRUST_PROXY is off.
            results.push(await h.gql('mutation($e: String!) { requestOtp(input: { email: $e }) { status retryAfterSeconds } }', { e: `flood${i}@example.com` }, { 'x-forwarded-for': `10.0.0.${i}` }));
        }
        const statuses = results.map((r) => r.data?.requestOtp.status);
        expect(statuses.filter((s) => s === 'SENT')).toHaveLength(20);
        expect(statuses.slice(20).every((s) => s === 'RATE_LIMITED')).toBe(true);
        expect(results[29].data?.requestOtp.retryAfterSeconds).toBeGreaterThan(500);
        await h.sendgrid.waitForEmails(20);
        await h.app.dispatcher.idle();
        expect(h.sendgrid.emails).toHaveLength(20);
    });
    it('limits verifications per IP too', async () => {
        const statuses = [];
        for (let i = 0; i < 35; i++)
            statuses.push((await h.client.verifyOtp({ email: `v${i}@example.com`, requestId: randomUUID(), otp: '123456' })).status);
        expect(statuses.filter((s) => s === 'NOT_FOUND')).toHaveLength(30);
        expect(statuses.slice(30).every((s) => s === 'RATE_LIMITED')).toBe(true);
    });
});
describe('behind a trusted proxy', () => {
    let h;
    beforeAll(async () => {
        h = await startHarness({ TRUST_PROXY: '127.0.0.1', CLIENT_MAX_REQUESTS_PER_WINDOW: '2' });
    });
    afterAll(async () => h.close());
    it('counts per forwarded client address', async () => {
        const ask = (email, ip) => h.gql('mutation($e: String!) { requestOtp(input: { email: $e }) { status } }', { e: email }, { 'x-forwarded-for': ip }).then((r) => r.data?.requestOtp.status);
        expect([await ask('p1@example.com', '203.0.113.1'), await ask('p2@example.com', '203.0.113.1'), await ask('p3@example.com', '203.0.113.1')]).toEqual(['SENT', 'SENT', 'RATE_LIMITED']);
        expect(await ask('p4@example.com', '203.0.113.2')).toBe('SENT');
    });
    it('counts IPv6 clients per /64, so rotating addresses inside one network does not reset the cap', async () => {
        const ask = (email, ip) => h.gql('mutation($e: String!) { requestOtp(input: { email: $e }) { status } }', { e: email }, { 'x-forwarded-for': ip }).then((r) => r.data?.requestOtp.status);
        expect([
            await ask('v1@example.com', '2001:db8:1:2::1'),
            await ask('v2@example.com', '2001:db8:1:2:ffff:ffff:ffff:9'),
            await ask('v3@example.com', '2001:db8:1:2::abcd'),
        ]).toEqual(['SENT', 'SENT', 'RATE_LIMITED']);
        expect(await ask('v4@example.com', '2001:db8:1:3::1')).toBe('SENT'); // the next /64 is another client
        // An IPv4-mapped IPv6 address is the IPv4 client it maps.
        expect([await ask('m1@example.com', '203.0.113.9'), await ask('m2@example.com', '::ffff:203.0.113.9')]).toEqual(['SENT', 'SENT']);
        expect(await ask('m3@example.com', '203.0.113.9')).toBe('RATE_LIMITED');
    });
});
describe('forwarding headers with TRUST_PROXY unset', () => {
    it('warns once, naming TRUST_PROXY, and only when the headers arrive untrusted', async () => {
        const ask = (h) => h.gql('{ otpPolicy { ttlSeconds } }', undefined, { 'x-forwarded-for': '198.51.100.7' });
        const warnings = (h) => h.logs.filter((l) => l.includes('TRUST_PROXY is false'));
        await withHarness({}, async (h) => {
            await h.gql('{ otpPolicy { ttlSeconds } }');
            expect(warnings(h)).toHaveLength(0); // no forwarding header: nothing to say
            await ask(h);
            await ask(h);
            expect(warnings(h)).toHaveLength(1);
            expect(JSON.parse(warnings(h)[0])).toMatchObject({ level: 40, variable: 'TRUST_PROXY' });
        });
        await withHarness({ TRUST_PROXY: '127.0.0.1' }, async (h) => {
            await ask(h);
            expect(warnings(h)).toHaveLength(0);
        });
    });
});
describe('client networks', () => {
    it('keys IPv6 by its prefix (configurable), IPv4 and IPv4-mapped per address', () => {
        expect(clientNetwork('2001:db8:1:2:3:4:5:6', 64)).toBe('2001:db8:1:2::/64');
        expect(clientNetwork('2001:0db8:0001:0002::9', 64)).toBe('2001:db8:1:2::/64');
        expect(clientNetwork('2001:db8:1:2:3:4:5:6', 48)).toBe('2001:db8:1::/48');
        expect(clientNetwork('2001:db8:1:2:3:4:5:6', 128)).toBe('2001:db8:1:2:3:4:5:6/128');
        expect(clientNetwork('203.0.113.7', 64)).toBe('203.0.113.7');
        expect(clientNetwork('::ffff:203.0.113.7', 64)).toBe('203.0.113.7');
        expect(clientNetwork('not-an-ip', 64)).toBe('not-an-ip');
    });
});
describe('hostile GraphQL', () => {
    let h;
    beforeAll(async () => {
        h = await startHarness();
    });
    afterAll(async () => h.close());
    const stillServing = async () => expect((await h.client.otpPolicy()).codeLength).toBe(6);
    it('refuses a depth-50 query', async () => {
        let selection = 'name';
        for (let i = 0; i < 48; i++)
            selection = `ofType { ${selection} }`;
        const res = await timed('depth-50 query', () => h.gql(`{ __type(name: "Query") { ${selection} } }`));
        expect(res.status).toBe(400);
        // Refused by the depth limit, or by the cost limit that depth drives up: either way, not run.
        expect(res.errors?.[0]?.message).toMatch(/depth|cost/i);
        await stillServing();
    });
    it('refuses a 1,000-alias query', async () => {
        const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: otpPolicy { ttlSeconds }`).join(' ');
        const res = await timed('1,000-alias query', () => h.gql(`{ ${aliases} }`));
        expect(res.status).toBe(400);
        expect(res.errors?.[0]?.message).toMatch(/alias|token/i);
        await stillServing();
    });
    it('refuses 20 aliases of requestOtp without sending anything', async () => {
        const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: requestOtp(input: { email: "x${i}@example.com" }) { status }`).join(' ');
        const res = await h.gql(`mutation { ${aliases} }`);
        expect(res.status).toBe(400);
        expect(res.errors?.[0]?.message).toMatch(/alias/i);
        await h.app.dispatcher.idle();
        expect(h.sendgrid.requests).toHaveLength(0);
    });
    it('refuses a 5 MB body with 413 and a GraphQL error', async () => {
        const body = JSON.stringify({ query: `{ otpPolicy { ttlSeconds } } #${'x'.repeat(5 * 1024 * 1024)}` });
        const res = await timed('5 MB body', () => fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
        expect(res.status).toBe(413);
        expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
        await stillServing();
    });
    it('refuses batched requests unless GRAPHQL_BATCHING=true', async () => {
        await withHarness({ GRAPHQL_BATCHING: 'true' }, async (batching) => {
            const res = await fetch(batching.url, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify([{ query: '{ otpPolicy { ttlSeconds } }' }, { query: '{ otpPolicy { codeLength } }' }]),
            });
            expect(res.status).toBe(200);
            expect(await res.json()).toHaveLength(2);
        });
        const res = await fetch(h.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify([{ query: '{ otpPolicy { ttlSeconds } }' }, { query: '{ otpPolicy { ttlSeconds } }' }]),
        });
        expect(res.status).toBe(400);
        await stillServing();
    });
    it('refuses a query of many tokens, and too many directives', async () => {
        const long = await h.gql(`{ otpPolicy { ${'ttlSeconds '.repeat(1500)} } }`);
        expect(long.status).toBe(400);
        expect(long.errors?.[0]?.message).toMatch(/token/i);
        const directives = await h.gql(`{ otpPolicy { ttlSeconds ${'@include(if: true) '.repeat(50)} } }`);
        expect(directives.status).toBe(400);
        await stillServing();
    });
});
//# sourceMappingURL=attacks.test.js.map