// Development only: signs a payment intent for the demo merchant (demo-shop, "Demo Shop"),
// as a merchant's backend would, so the quick start can show the payment flow. Its key is the
// public development key in src/merchants/merchants.file.ts; production has no demo merchant.
//
//   node scripts/demo-intent.mjs 149.90 MYR [email]
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

const [amount = '149.90', currency = 'MYR', email] = process.argv.slice(2);
const key = new TextEncoder().encode('otp-graphql-demo-merchant-key-for-development-only');
const intent = await new SignJWT({ amount, currency, ...(email ? { email } : {}) })
  .setProtectedHeader({ alg: 'HS256', kid: 'demo' })
  .setIssuer('demo-shop')
  .setAudience('otp-graphql')
  .setJti(`order-${randomUUID()}`)
  .setIssuedAt()
  .setExpirationTime('10m')
  .sign(key);
console.log(intent);
