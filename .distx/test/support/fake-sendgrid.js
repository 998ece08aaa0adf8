// A local stand-in for SendGrid's v3 mail API, for the real SDK to talk to. It records each
// request, renders each personalization as SendGrid would (substitutions into the content),
// and answers from a script of statuses and delays, 202 once the script runs out.
import { createServer } from 'node:http';
export class FakeSendGrid {
    /** Every POST /v3/mail/send, accepted or not. */
    requests = [];
    /** Emails from accepted (2xx) requests only: what recipients would get. */
    emails = [];
    script = [];
    defaultDelayMs = 0;
    /** Addresses SendGrid will not take: any call carrying one is refused whole with 400, as SendGrid does. */
    refused = new Set();
    /** Until this time (epoch ms), every call is answered with `outage.status`. */
    outage = null;
    server;
    waiters = [];
    constructor() {
        this.server = createServer((req, res) => {
            void this.handle(req).then(({ status, delayMs, headers = {} }) => {
                setTimeout(() => {
                    res.writeHead(status, { 'content-type': 'application/json', ...headers });
                    res.end(status >= 400 ? JSON.stringify({ errors: [{ message: `fake ${status}` }] }) : '');
                }, delayMs);
            });
        });
    }
    async start() {
        await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
        return this.baseUrl;
    }
    get baseUrl() {
        return `http://127.0.0.1:${this.server.address().port}`;
    }
    /** The next answers, in order; afterwards 202. */
    answer(...answers) {
        this.script.push(...answers);
    }
    /** Delays every default 202 answer (a slow provider). */
    delayAll(ms) {
        this.defaultDelayMs = ms;
    }
    /** Refuses every call that carries `address` (400), as SendGrid refuses an address it will not take. */
    refuse(address) {
        this.refused.add(address);
    }
    /** Answers every call with `status` (503: down) for the next `ms`. */
    downFor(ms, status = 503) {
        this.outage = { until: Date.now() + ms, status };
    }
    reset() {
        this.requests.length = 0;
        this.emails.length = 0;
        this.script = [];
        this.defaultDelayMs = 0;
        this.refused.clear();
        this.outage = null;
    }
    emailsTo(address) {
        return this.emails.filter((e) => e.to === address);
    }
    /** Waits until at least `count` emails have arrived for `address` (or in all, without one). */
    async waitForEmails(count, address, timeoutMs = 5_000) {
        const have = () => (address ? this.emailsTo(address) : this.emails);
        const deadline = Date.now() + timeoutMs;
        while (have().length < count) {
            if (Date.now() > deadline)
                throw new Error(`expected ${count} email(s)${address ? ` to ${address}` : ''}, got ${have().length}`);
            await new Promise((resolve) => {
                this.waiters.push(resolve);
                setTimeout(resolve, 50);
            });
        }
        return have();
    }
    /** The latest code emailed to `address`, waiting for it if needed. */
    async latestCode(address, expectedCount = 1) {
        const emails = await this.waitForEmails(expectedCount, address);
        return emails[emails.length - 1].code;
    }
    async close() {
        this.server.closeAllConnections();
        await new Promise((resolve) => this.server.close(() => resolve()));
    }
    async handle(req) {
        const chunks = [];
        for await (const chunk of req)
            chunks.push(chunk);
        if (req.method !== 'POST' || req.url !== '/v3/mail/send')
            return { status: 404 };
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const carriesRefused = body.personalizations.some((p) => p.to.some((to) => this.refused.has(to.email)));
        const down = this.outage && Date.now() < this.outage.until ? { status: this.outage.status } : null;
        const answer = down ?? (carriesRefused ? { status: 400 } : undefined) ?? this.script.shift() ?? { status: 202, delayMs: this.defaultDelayMs };
        this.requests.push({ status: answer.status, authorization: req.headers.authorization, body, at: Date.now() });
        if (answer.status >= 200 && answer.status < 300) {
            // Recorded when the answer is decided, as SendGrid would have queued the mail by then.
            const receivedAt = Date.now();
            const text = body.content.find((c) => c.type === 'text/plain')?.value ?? '';
            const html = body.content.find((c) => c.type === 'text/html')?.value ?? '';
            for (const p of body.personalizations) {
                const subs = p.substitutions ?? {};
                const render = (s) => Object.entries(subs).reduce((acc, [k, v]) => acc.split(k).join(v), s);
                for (const to of p.to) {
                    this.emails.push({
                        to: to.email,
                        from: body.from.email,
                        subject: render(body.subject),
                        text: render(text),
                        html: render(html),
                        code: subs['{{otp}}'] ?? '',
                        customArgs: p.custom_args ?? {},
                        receivedAt,
                    });
                }
            }
            const waiters = this.waiters;
            this.waiters = [];
            waiters.forEach((w) => w());
        }
        return answer;
    }
}
//# sourceMappingURL=fake-sendgrid.js.map