// A stranger who knows only an address, over real HTTP, on both stores: they open requests of
// their own for it and guess from many client addresses, and the owner, who holds the
// requestId and the emailed code, still verifies. (The arithmetic of the attempt budget is in
// the README's Security section; its bound per day is tested in test/otp/otp.service.test.ts.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import { describeEachTier } from '../support/stores.js';
const REQUEST = 'mutation($input: RequestOtpInput!) { requestOtp(input: $input) { status requestId } }';
const VERIFY = 'mutation($input: VerifyOtpInput!) { verifyOtp(input: $input) { status verificationToken } }';
describeEachTier('a stranger against one address on the $name store', (tier) => {
    let h;
    const env = tier.env();
    beforeAll(async () => {
        // No cooldown and a wide send window, so that only the attempt budget (the default, 25)
        // stands between the stranger and more guesses; every caller is told apart by X-Forwarded-For.
        h = await startHarness({ ...env, TRUST_PROXY: '127.0.0.1', OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_SENDS_PER_WINDOW: '1000' });
    });
    afterAll(async () => {
        await h.close();
        await tier.disposeEnv(env);
    });
    it("leaves the owner's right code VERIFIED after the stranger's 100 wrong guesses from their own requests and other client addresses", async () => {
        const email = `owner-${randomUUID().slice(0, 8)}@example.com`;
        const owner = await h.gql(REQUEST, { input: { email } }, { 'x-forwarded-for': '198.51.100.1' });
        expect(owner.data?.requestOtp.status).toBe('SENT');
        const ownerId = owner.data.requestOtp.requestId;
        const [mail] = await h.sendgrid.waitForEmails(1, email);
        expect(mail.customArgs.otp_id).toBe(ownerId);
        const statuses = [];
        const requested = [];
        let target = null;
        for (let guess = 0; guess < 100; guess++) {
            const ip = `203.0.113.${guess + 1}`;
            if (guess % 5 === 0) {
                const mine = await h.gql(REQUEST, { input: { email } }, { 'x-forwarded-for': ip });
                requested.push(mine.data.requestOtp.status);
                target = mine.data.requestOtp.requestId ?? randomUUID();
            }
            // Their own request's id, or made-up ones: never the owner's, which only the owner's page holds.
            const requestId = guess % 3 === 2 ? randomUUID() : target;
            const otp = String(100000 + guess);
            if (otp === mail.code)
                continue;
            const answer = await h.gql(VERIFY, { input: { email, requestId, otp } }, { 'x-forwarded-for': ip });
            statuses.push(answer.data.verifyOtp.status);
        }
        // The owner's request holds 5 of the 25: the stranger got 4 requests, then no more.
        expect(requested.filter((s) => s === 'SENT')).toHaveLength(4);
        expect(requested.filter((s) => s === 'RATE_LIMITED')).toHaveLength(16);
        expect(statuses.filter((s) => s === 'MISMATCHED').length).toBeLessThanOrEqual(20);
        expect(statuses).not.toContain('VERIFIED');
        expect(statuses).not.toContain('RATE_LIMITED');
        const verified = await h.gql(VERIFY, { input: { email, requestId: ownerId, otp: mail.code } }, { 'x-forwarded-for': '198.51.100.1' });
        expect(verified.data?.verifyOtp).toMatchObject({ status: 'VERIFIED', verificationToken: expect.any(String) });
    });
});
//# sourceMappingURL=lockout.test.js.map