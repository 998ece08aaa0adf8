// Hostile or careless: a code typed inline into a query as a number (issue 22, row 10: the
// answer was "String cannot represent a non string value: 493817", the value echoed). GraphQL
// still refuses it, and says why, but never repeats the value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
describe('inline literal values in refused queries', () => {
    let h;
    beforeAll(async () => {
        h = await startHarness();
    });
    afterAll(async () => h.close());
    it.each([
        ['an otp as a number', 'mutation { verifyOtp(input: { email: "a@example.com", requestId: "0b6f5c1e-4e1a-4f63-9a1d-7c2b8e5d3a90", otp: 493817 }) { status } }', '493817'],
        ['an email as a number', 'mutation { requestOtp(input: { email: 715293 }) { status } }', '715293'],
        ['a requestId as an object', 'mutation { resendOtp(input: { email: "a@example.com", requestId: { secret: "862051" } }) { status } }', '862051'],
    ])('refuses %s without echoing it', async (_name, query, value) => {
        const res = await h.gql(query);
        expect(res.status).toBe(400);
        expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(res.errors?.[0]?.message).toMatch(/cannot represent|Expected value of type/);
        expect(JSON.stringify(res)).not.toContain(value);
    });
});
//# sourceMappingURL=inline-values.test.js.map