// GraphQL over HTTP: the graphql-http audit suite against the started server (every MUST
// passes; SHOULD and MAY results are printed), and the behaviours the spec and our users rely on.
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
describe('GraphQL over HTTP', () => {
    let h;
    beforeAll(async () => {
        h = await startHarness();
    });
    afterAll(async () => h.close());
    it('passes every MUST audit of graphql-http', async () => {
        const results = await auditServer({ url: h.url });
        const failing = results.filter((r) => r.status !== 'ok');
        // Reported, not required: the SHOULD/MAY audits that do not pass.
        for (const r of failing)
            console.log(`graphql-http ${r.status}: ${r.name}${'reason' in r ? ` — ${r.reason}` : ''}`);
        console.log(`graphql-http audits: ${results.length - failing.length}/${results.length} ok`);
        expect(results.length).toBeGreaterThan(20);
        expect(results.filter((r) => r.name.startsWith('MUST') && r.status !== 'ok').map((r) => r.name)).toEqual([]);
    });
    it('runs queries over GET (with a header a cross-site form cannot send)', async () => {
        const url = `${h.url}?query=${encodeURIComponent('{ otpPolicy { codeLength } }')}`;
        // CSRF prevention: a GET with only simple headers could come from any site's <img> tag.
        expect((await fetch(url, { headers: { accept: 'application/graphql-response+json' } })).status).toBe(400);
        const res = await fetch(url, { headers: { accept: 'application/graphql-response+json', 'apollo-require-preflight': 'true' } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('application/graphql-response+json');
        expect(await res.json()).toEqual({ data: { otpPolicy: { codeLength: 6 } } });
    });
    it('refuses a mutation over GET with 405', async () => {
        const query = 'mutation { requestOtp(input: { email: "get@example.com" }) { status } }';
        const res = await fetch(`${h.url}?query=${encodeURIComponent(query)}`, {
            headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
        });
        expect(res.status).toBe(405);
        expect(res.headers.get('allow')).toContain('POST');
        expect(h.sendgrid.requests).toHaveLength(0);
    });
    it('answers 400 to a request that does not validate', async () => {
        const res = await h.gql('{ noSuchField }');
        expect(res.status).toBe(400);
        expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });
    it('keeps CSRF prevention on: a simple cross-site POST is refused', async () => {
        const res = await fetch(h.url, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: JSON.stringify({ query: 'mutation { requestOtp(input: { email: "csrf@example.com" }) { status } }' }),
        });
        expect(res.status).toBe(400);
        expect(await res.text()).toMatch(/CSRF/i);
        expect(h.sendgrid.requests).toHaveLength(0);
    });
});
//# sourceMappingURL=http-compliance.test.js.map