// Hostile: spending what everyone shares (issue 34, rows 1 and 2). Resends of requests that
// do not exist, and requests the mailbox's own limits refuse, used to charge the per-domain and
// global send budgets before anything looked at them: 10,050 such resends over 400 networks
// left every user RATE_LIMITED with not one email sent. The budgets now count emails queued
// and nothing else, and a merchant's payment intent draws on the merchant's own budget. Real
// HTTP to the real server, the real SendGrid SDK against the fake SendGrid; loopback, bounded.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeIntent } from '../support/intents.js';
import { REQUEST_OTP, RESEND_OTP, withHarness, type Harness } from '../support/harness.js';

type Answer = { status: string; retryAfterSeconds?: number; requestId?: string } | undefined;

/** A caller behind the trusted proxy, one of many networks. */
const from = (i: number) => ({ 'x-forwarded-for': `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}` });

const request = async (h: Harness, input: Record<string, unknown>, i = 0): Promise<Answer> => (await h.gql(REQUEST_OTP, { input }, from(i))).data?.requestOtp as Answer;
const resend = async (h: Harness, input: Record<string, unknown>, i = 0): Promise<Answer> => (await h.gql(RESEND_OTP, { input }, from(i))).data?.resendOtp as Answer;

/** Runs `count` calls, `parallel` at a time. */
async function flood<T>(count: number, parallel: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += parallel) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(parallel, count - start) }, (_, k) => call(start + k)))));
  }
  return results;
}

describe('shared send budgets count emails that leave, nothing else', () => {
  it('resends of unknown requests and requests the mailbox refuses spend none of them (rows 1, 2)', async () => {
    await withHarness({ SEND_BUDGET_TOTAL: '3', SEND_BUDGET_PER_DOMAIN: '0', TRUST_PROXY: '1' }, async (h) => {
      expect((await request(h, { email: 'victim@example.com' }))?.status).toBe('SENT');
      // Row 2: twenty more for the same mailbox; its cooldown refuses every one.
      const refused = await flood(20, 10, (i) => request(h, { email: 'victim@example.com' }, i + 1));
      expect(refused.map((a) => a?.status)).toEqual(Array(20).fill('RATE_LIMITED'));
      // Row 1: resends of requests nobody made, from 300 networks.
      const unknown = await flood(300, 25, (i) => resend(h, { email: `user${i}@example.com`, requestId: randomUUID() }, i + 100));
      expect(unknown.every((a) => a?.status === 'NOT_FOUND')).toBe(true);
      // One email of three was spent: two new users get theirs, the third finds the budget spent.
      expect((await request(h, { email: 'new-user@example.com' }, 500))?.status).toBe('SENT');
      expect((await request(h, { email: 'second-user@example.org' }, 501))?.status).toBe('SENT');
      expect((await request(h, { email: 'third-user@example.net' }, 502))?.status).toBe('RATE_LIMITED');
      await h.sendgrid.waitForEmails(3);
      expect(h.sendgrid.emails).toHaveLength(3);
    });
  });

  it("a merchant's payment intent is sent while anonymous requests have spent the domain's budget, and draws on the merchant's own", async () => {
    await withHarness({ SEND_BUDGET_PER_DOMAIN: '2', SEND_BUDGET_TOTAL: '0', SEND_BUDGET_PER_MERCHANT: '2', TRUST_PROXY: '1', METRICS_TOKEN: 'Hq7Zt3Lw9Kc2Vx7Nb4Rp1Hs6Jd0Fy5GaXe' }, async (h) => {
      // One after another: requests in flight at once may each pass the budget's gate (a small,
      // documented overshoot), and this test is about whose budget a request draws on.
      const anonymous = await flood(4, 1, (i) => request(h, { email: `stranger${i}@gmail.com` }, i));
      expect(anonymous.map((a) => a?.status)).toEqual(['SENT', 'SENT', 'RATE_LIMITED', 'RATE_LIMITED']);
      // gmail.com's anonymous budget is spent; a shopper paying Demo Shop is not held back by it.
      const pay = async (email: string, i: number) => request(h, { email, purpose: 'payment', paymentIntent: await makeIntent({ merchant: 'demo' }) }, i);
      expect((await pay('shopper@gmail.com', 10))?.status).toBe('SENT');
      expect((await pay('another.shopper@gmail.com', 11))?.status).toBe('SENT');
      // Demo Shop's own budget (two) is spent now, and only its requests are refused by it.
      const third = await pay('third.shopper@gmail.com', 12);
      expect(third).toMatchObject({ status: 'RATE_LIMITED' });
      expect(third!.retryAfterSeconds).toBeGreaterThan(500);
      expect((await request(h, { email: 'someone@bank.example' }, 13))?.status).toBe('SENT');
      await h.sendgrid.waitForEmails(5);
      expect(h.sendgrid.emails.map((e) => e.to).filter((to) => to.includes('shopper')).sort()).toEqual(['another.shopper@gmail.com', 'shopper@gmail.com']);
      const metrics = await (await fetch(h.url.replace('/graphql', '/metrics'), { headers: { authorization: 'Bearer Hq7Zt3Lw9Kc2Vx7Nb4Rp1Hs6Jd0Fy5GaXe' } })).text();
      expect(metrics).toMatch(/otp_send_budget_refusals_total\{budget="merchant"\} 1/);
      expect(metrics).toMatch(/otp_send_budget_refusals_total\{budget="domain"\} 2/);
      const trip = h.logs.find((line) => line.includes("merchant's send budget is spent"));
      expect(JSON.parse(trip!)).toMatchObject({ budget: 'merchant', merchant: 'demo-shop', max: 2 });
    });
  });
});
