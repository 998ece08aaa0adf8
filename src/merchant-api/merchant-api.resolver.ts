// Thin resolvers of the merchant API: read the arguments, call MerchantApi, shape the answer.
// The caller's merchant comes from its checked call token (http/merchant-api.routes.ts).
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { MerchantApi } from './merchant-api.service.js';
import { CancelVerificationPayload, Verification } from './merchant-api.types.js';

export interface MerchantApiContext {
  api: MerchantApi;
  /** The merchant the call token speaks for. */
  merchant: string;
  requestId: string;
}

@Resolver()
export class MerchantApiResolver {
  @Query((_returns) => Verification, { nullable: true, description: 'One of your payment verifications, by requestId or by your intent\'s id; null when none of yours.' })
  verification(
    @Arg('requestId', (_type) => ID, { nullable: true }) requestId: string | null,
    @Arg('intentId', (_type) => String, { nullable: true }) intentId: string | null,
    @Ctx() { api, merchant }: MerchantApiContext,
  ): Promise<Verification | null> {
    return api.verification(merchant, { requestId, intentId });
  }

  @Mutation((_returns) => CancelVerificationPayload, { description: 'Kills a live payment code at once (the shopper left, the order changed); otp.canceled follows.' })
  cancelVerification(
    @Arg('requestId', (_type) => ID, { nullable: true }) requestId: string | null,
    @Arg('intentId', (_type) => String, { nullable: true }) intentId: string | null,
    @Ctx() { api, merchant }: MerchantApiContext,
  ): Promise<CancelVerificationPayload> {
    return api.cancel(merchant, { requestId, intentId });
  }

  @Mutation((_returns) => Boolean, { description: 'Sends one of your webhooks again, by its webhook-id, under the same id (kept a day after it was delivered).' })
  async replayWebhook(@Arg('id', (_type) => ID) id: string, @Ctx() { api, merchant }: MerchantApiContext): Promise<boolean> {
    await api.replayWebhook(merchant, id);
    return true;
  }

  @Mutation((_returns) => ID, { description: 'Sends your webhook receiver a signed otp.test event; answers its webhook-id.' })
  sendTestWebhook(@Ctx() { api, merchant }: MerchantApiContext): Promise<string> {
    return api.sendTestWebhook(merchant);
  }
}
