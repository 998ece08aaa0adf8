// The fake SendGrid for the benchmark, in a process of its own as the real one would be
// elsewhere: it answers 202 at once and reports, over IPC, when each email arrived.
import { FakeSendGrid } from '../test/support/fake-sendgrid.js';
const sendgrid = new FakeSendGrid();
await sendgrid.start();
process.on('message', (message) => {
    if (message.cmd === 'count')
        process.send?.({ id: message.id, result: sendgrid.emails.length });
    if (message.cmd === 'arrivals') {
        const arrivals = sendgrid.emails.slice(message.from ?? 0).map((e) => [e.to, e.receivedAt, e.code]);
        process.send?.({ id: message.id, result: arrivals });
    }
    if (message.cmd === 'reset') {
        sendgrid.reset();
        process.send?.({ id: message.id, result: true });
    }
});
process.send?.({ id: 0, result: sendgrid.baseUrl });
//# sourceMappingURL=fake-sendgrid.js.map