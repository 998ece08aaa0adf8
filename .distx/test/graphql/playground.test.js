// The playground and introspection settings, and the offline GraphiQL page driven in a real
// headless Chromium: open it, run requestOtp from it, see the answer.
import { existsSync } from 'node:fs';
import { getIntrospectionQuery } from 'graphql';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TEST_SECRET, withHarness } from '../support/harness.js';
import { event, postEvents, PUBLIC_KEY } from '../support/sendgrid-events.js';
const CHROMIUM = '/usr/bin/chromium';
const PRODUCTION = { NODE_ENV: 'production', OTP_SECRET: TEST_SECRET };
const INTROSPECT = '{ __schema { queryType { name } } }';
const html = (url) => fetch(url, { headers: { accept: 'text/html' } });
describe('playground and introspection settings', () => {
    it('development: offline GraphiQL page and introspection on', () => withHarness({ NODE_ENV: 'development' }, async (h) => {
        const page = await html(h.url);
        expect(page.status).toBe(200);
        const text = await page.text();
        expect(text).toContain('/playground/graphiql.js');
        expect(text).not.toMatch(/https?:\/\//); // nothing from the internet
        for (const asset of ['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css']) {
            expect((await fetch(h.url.replace('/graphql', `/playground/${asset}`))).status).toBe(200);
        }
        // Names of the asset table's prototype are not assets.
        for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'nothing.js']) {
            expect((await fetch(h.url.replace('/graphql', `/playground/${name}`))).status).toBe(404);
        }
        expect((await h.gql(INTROSPECT)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
        // The full query GraphiQL and codegen send passes the query limits.
        const full = await h.gql(getIntrospectionQuery());
        expect(full.errors).toBeUndefined();
        expect(full.data?.__schema.types.length).toBeGreaterThan(10);
    }));
    it('production: no page, no introspection, unless asked for', () => withHarness(PRODUCTION, async (h) => {
        const page = await html(h.url);
        expect(await page.text()).not.toContain('<html');
        expect((await h.gql(INTROSPECT)).errors?.[0]?.message).toMatch(/introspection is not allowed/i);
        expect((await fetch(h.url.replace('/graphql', '/playground/graphiql.js'))).status).toBe(404);
    }));
    it('production with GRAPHQL_INTROSPECTION=true and GRAPHQL_PLAYGROUND=graphiql', () => withHarness({ ...PRODUCTION, GRAPHQL_INTROSPECTION: 'true', GRAPHQL_PLAYGROUND: 'graphiql' }, async (h) => {
        expect(await (await html(h.url)).text()).toContain('/playground/graphiql.js');
        expect((await h.gql(INTROSPECT)).data).toBeTruthy();
    }));
    it('GRAPHQL_PLAYGROUND=apollo serves Apollo Sandbox; development with GRAPHQL_INTROSPECTION=false turns it off', () => withHarness({ GRAPHQL_PLAYGROUND: 'apollo', GRAPHQL_INTROSPECTION: 'false' }, async (h) => {
        expect(await (await html(h.url)).text()).toMatch(/sandbox/i);
        expect((await h.gql(INTROSPECT)).errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    }));
});
const chromiumMissing = existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (.ci/run installs it with apt-get)`;
// Under CI the browser test is required, as the MongoDB tier is: .ci/run installs Chromium.
if (chromiumMissing && process.env.CI === 'true')
    throw new Error(`Browser test: REQUIRED under CI=true, but ${chromiumMissing}`);
if (chromiumMissing)
    console.log(`Browser test: SKIPPED — ${chromiumMissing}`);
describe.skipIf(chromiumMissing !== null)('offline GraphiQL in headless Chromium', () => {
    let h;
    let browser;
    beforeAll(async () => {
        h = await startHarness({ NODE_ENV: 'development', SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY });
        browser = await chromium.launch({
            executablePath: CHROMIUM,
            // As root, with no network: no sandbox, and none of Chromium's background connections.
            args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        });
    });
    afterAll(async () => {
        await browser?.close();
        await h?.close();
    });
    it('loads with no outside request, runs requestOtp, shows the answer, and follows the email over a subscription', async () => {
        const page = await browser.newPage();
        const outside = [];
        page.on('request', (r) => {
            if (!r.url().startsWith(h.url.replace('/graphql', '')))
                outside.push(r.url());
        });
        page.on('websocket', (ws) => {
            if (!ws.url().startsWith(h.url.replace('/graphql', '').replace(/^http/, 'ws')))
                outside.push(ws.url());
        });
        await page.goto(h.url);
        await page.waitForSelector('.graphiql-query-editor .CodeMirror');
        const run = async (query) => {
            await page.evaluate((q) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q), query);
            // GraphiQL reads the operation's name from the editor a moment after an edit.
            await page.waitForTimeout(500);
            await page.click('.graphiql-execute-button');
        };
        const readResult = () => page.evaluate(() => document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue() ?? '');
        const email = `browser-${Date.now()}@example.com`;
        await run(`mutation RequestOtp { requestOtp(input: { email: "${email}" }) { success status email requestId } }`);
        await expect.poll(readResult, { timeout: 15_000, interval: 100 }).toContain('"status"');
        const answer = JSON.parse(await readResult());
        expect(answer).toEqual({ data: { requestOtp: { success: true, status: 'SENT', email, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) } } });
        await h.sendgrid.waitForEmails(1, email);
        // The subscription, from the page, over WebSocket: the state now, then SendGrid's news.
        const { requestId } = answer.data.requestOtp;
        await expect.poll(async () => (await h.client.otpDelivery(requestId))?.state, { timeout: 10_000 }).toBe('SENT');
        await run(`subscription OtpDeliveryChanged { otpDeliveryChanged(requestId: "${requestId}") { state } }`);
        await expect.poll(readResult, { timeout: 15_000, interval: 100 }).toContain('"SENT"');
        expect((await postEvents(h.url, [event(requestId, 'delivered')])).status).toBe(204);
        await expect.poll(readResult, { timeout: 15_000, interval: 100 }).toContain('"DELIVERED"');
        expect(outside).toEqual([]);
    });
});
//# sourceMappingURL=playground.test.js.map