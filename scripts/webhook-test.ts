// `npm run webhook:test`: sends one signed otp.test event to WEBHOOK_URL, signed with
// WEBHOOK_SECRET exactly as the service signs its events, and says what the receiver answered.
// For an operator (or a merchant with the operator) setting up a receiver; it reads the same
// settings as the service (environment, then .env) and touches no database.
import '../src/env-file.js';
import { Webhook } from 'standardwebhooks';
import { systemClock } from '../src/clock.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { StandardMerchantEvents } from '../src/webhooks/merchant-events.js';
import { postWebhook } from '../src/webhooks/sender.js';

let webhooks;
try {
  webhooks = loadConfig().merchantWebhooks;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`webhook:test: the settings are refused: ${error.message}`);
  process.exit(1);
}
if (!webhooks) {
  console.error('webhook:test: WEBHOOK_URL and WEBHOOK_SECRET are not set: there is no receiver to test');
  process.exit(1);
}
const event = new StandardMerchantEvents(systemClock).test(null);
const answer = await postWebhook(new Webhook(webhooks.secret), webhooks.url, event, systemClock.now(), 10_000);
if (answer.ok) {
  console.log(`webhook:test: ${webhooks.url} took otp.test ${event.id} (answered ${answer.status}): its signature checks there`);
} else {
  console.error(`webhook:test: ${webhooks.url} did not take otp.test ${event.id}: ${answer.error}`);
  process.exit(1);
}
