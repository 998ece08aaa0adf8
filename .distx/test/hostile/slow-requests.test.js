// Hostile: callers that send slowly, one byte at a time, to hold connections open (issue 22,
// row 3: a /graphql POST sending a byte every 5 s was still open after 100 s). Each listener now
// closes a request that has not arrived within its time bound, and keeps serving others.
// Loopback only; every socket is closed by the end, and every wait is bounded.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_TIMEOUTS } from '../../src/http/server.js';
import { startHarness } from '../support/harness.js';
/** Opens a socket that sends `head`, then one more byte every `everyMs` until closed; resolves when the server closes it. */
function dribble(port, head, byte, everyMs) {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(head);
    const timer = setInterval(() => socket.write(byte), everyMs);
    const closed = new Promise((resolve) => {
        socket.on('close', () => {
            clearInterval(timer);
            resolve(Date.now() - started);
        });
    });
    return { closed, socket };
}
describe('slow requests', () => {
    let h;
    let port;
    beforeAll(async () => {
        h = await startHarness();
        port = Number(new URL(h.url).port);
    });
    afterAll(async () => h.close());
    it('are cut off within their time bounds, a slow body and slow headers alike, while others are served', { timeout: 40_000 }, async () => {
        const body = dribble(port, 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{', ' ', 1_000);
        const headers = dribble(port, 'POST /graphql HTTP/1.1\r\nHost: x\r\n', 'X', 1_000);
        // The service keeps answering meanwhile.
        const policy = await h.client.otpPolicy();
        expect(policy.codeLength).toBe(6);
        const bound = LISTENER_TIMEOUTS.requestMs + 2 * LISTENER_TIMEOUTS.checkEveryMs + 3_000;
        const cut = await Promise.race([
            Promise.all([body.closed, headers.closed]),
            new Promise((resolve) => setTimeout(() => resolve(null), bound + 5_000)),
        ]);
        body.socket.destroy();
        headers.socket.destroy();
        expect(cut).not.toBeNull();
        const [bodyMs, headersMs] = cut;
        expect(bodyMs).toBeLessThanOrEqual(bound);
        expect(headersMs).toBeLessThanOrEqual(LISTENER_TIMEOUTS.headersMs + 2 * LISTENER_TIMEOUTS.checkEveryMs + 3_000);
    });
});
//# sourceMappingURL=slow-requests.test.js.map