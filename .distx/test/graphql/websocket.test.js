// GraphQL over WebSocket (graphql-ws) at /graphql keeps the HTTP rules: the origin check,
// the query limits, the per-client limits (shared with HTTP) and the error shape.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_OTP, startHarness } from '../support/harness.js';
import { collect, wsClient } from '../support/ws-client.js';
/** Opens a raw WebSocket with `origin`; resolves to the HTTP status of a refused upgrade, or 101. */
function upgradeStatus(graphqlUrl, origin) {
    return new Promise((resolve, reject) => {
        const socket = new WebSocket(graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', origin ? { origin } : {});
        socket.on('open', () => {
            socket.close();
            resolve(101);
        });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('error', reject);
    });
}
describe('GraphQL over WebSocket', () => {
    let h;
    beforeAll(async () => {
        h = await startHarness({ CORS_ORIGINS: 'https://shop.example', CLIENT_MAX_REQUESTS_PER_WINDOW: '2' });
    });
    afterAll(async () => h.close());
    it('refuses the upgrade from a browser origin CORS does not allow; allows a listed one and non-browser clients', async () => {
        expect(await upgradeStatus(h.url, 'https://evil.example')).toBe(403);
        expect(await upgradeStatus(h.url, 'https://shop.example')).toBe(101);
        expect(await upgradeStatus(h.url)).toBe(101);
        const client = wsClient(h.url, 'https://shop.example');
        try {
            const result = collect(client, '{ otpPolicy { codeLength } }');
            await result.ended;
            expect(result.values).toEqual([{ otpPolicy: { codeLength: 6 } }]);
        }
        finally {
            await client.dispose();
        }
    });
    it('applies the query limits, and keeps the connection for the next operation', async () => {
        const client = wsClient(h.url);
        try {
            const deep = `{ __schema { types { fields { type { ${'ofType { '.repeat(25)}name${' }'.repeat(25)} } } } } }`;
            const tooDeep = collect(client, deep);
            await tooDeep.ended;
            expect(tooDeep.values).toEqual([]);
            expect(JSON.stringify(tooDeep.errors)).toMatch(/depth/i);
            const aliases = `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: otpPolicy { ttlSeconds }`).join(' ')} }`;
            const tooWide = collect(client, aliases);
            await tooWide.ended;
            expect(JSON.stringify(tooWide.errors)).toMatch(/alias/i);
            const tooLong = collect(client, `{ otpPolicy { ${'ttlSeconds '.repeat(1200)} } }`);
            await tooLong.ended;
            expect(JSON.stringify(tooLong.errors)).toMatch(/token/i);
            const fine = collect(client, '{ otpPolicy { ttlSeconds } }');
            await fine.ended;
            expect(fine.values).toEqual([{ otpPolicy: { ttlSeconds: 300 } }]);
        }
        finally {
            await client.dispose();
        }
    });
    it('counts mutations sent over WebSocket against the same per-client budget as HTTP', async () => {
        const client = wsClient(h.url);
        const request = async (email) => {
            const result = collect(client, REQUEST_OTP, { input: { email } });
            await result.ended;
            return result.values[0]?.requestOtp.status;
        };
        try {
            expect(await request('ws1@example.com')).toBe('SENT');
            expect(await request('ws2@example.com')).toBe('SENT');
            expect(await request('ws3@example.com')).toBe('RATE_LIMITED');
        }
        finally {
            await client.dispose();
        }
        expect((await h.gql(REQUEST_OTP, { input: { email: 'http@example.com' } })).data?.requestOtp.status).toBe('RATE_LIMITED');
    });
    it('answers malformed input over WebSocket as over HTTP: BAD_USER_INPUT naming the field, the value not echoed', async () => {
        const client = wsClient(h.url);
        try {
            const result = collect(client, REQUEST_OTP, { input: { email: 'not-an-address-4711' } });
            await result.ended;
            expect(result.errors).toHaveLength(1);
            expect(result.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'email' } });
            expect(JSON.stringify(result.errors)).not.toContain('4711');
        }
        finally {
            await client.dispose();
        }
    });
});
//# sourceMappingURL=websocket.test.js.map