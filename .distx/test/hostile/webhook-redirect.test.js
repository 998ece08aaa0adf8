// Hostile: a merchant endpoint that answers 307 to another address. The signed event (which
// carries the shopper's address) must not be posted there: a 3xx is a failed try, retried
// under the same webhook-id, and the redirect target never hears of it. Loopback only, bounded.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
const SECRET = `whsec_${Buffer.from('hostile-redirect-test-secret-32-bytes!!').toString('base64')}`;
/** A server on a free loopback port that records what it is sent and answers with `answer`. */
async function listen(answer) {
    const hits = [];
    const server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk.toString()));
        req.on('end', () => {
            hits.push(`${req.method} ${body}`);
            answer(res);
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${server.address().port}/hooks`, hits };
}
describe('a merchant endpoint that redirects', () => {
    let h;
    let target;
    let redirecting;
    beforeAll(async () => {
        target = await listen((res) => res.writeHead(204).end());
        redirecting = await listen((res) => res.writeHead(307, { location: target.url }).end());
        h = await startHarness({ WEBHOOK_URL: redirecting.url, WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_RETRY_MAX_SECONDS: '1', WEBHOOK_POLL_MS: '100' });
    });
    afterAll(async () => {
        await h.close();
        await new Promise((resolve) => redirecting.server.close(resolve));
        await new Promise((resolve) => target.server.close(resolve));
    });
    it('is not followed: the event is retried at the configured URL and never reaches the redirect target', async () => {
        const email = 'redirected@example.com';
        await h.client.requestOtp({ email });
        const code = await h.sendgrid.latestCode(email);
        expect((await h.client.verifyOtp({ email, otp: code })).status).toBe('VERIFIED');
        // Bounded: a few tries (100 ms apart, doubling to 1 s) within 5 s.
        const deadline = Date.now() + 5_000;
        while (redirecting.hits.length < 3 && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 50));
        expect(redirecting.hits.length).toBeGreaterThanOrEqual(3);
        expect(redirecting.hits[0]).toContain('otp.verified');
        expect(target.hits).toEqual([]);
        expect(h.logs.some((l) => l.includes('the receiver answered 307'))).toBe(true);
    });
});
//# sourceMappingURL=webhook-redirect.test.js.map