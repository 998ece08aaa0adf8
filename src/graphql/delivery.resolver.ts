// Thin resolvers for a code's delivery status: a query, and a subscription served over
// WebSocket (graphql-ws). The rules are in delivery/delivery-status.ts.
import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { OtpDeliveryView } from '../delivery/delivery-status.js';
import type { GraphQLContext } from './context.js';
import { OtpDelivery } from './otp.types.js';

@Resolver()
export class DeliveryResolver {
  @Query((_returns) => OtpDelivery, {
    nullable: true,
    description: "Where a code's email stands, by the requestId requestOtp returned; null for an unknown id or a code that is gone (used, replaced or deleted).",
  })
  async otpDelivery(@Arg('requestId', (_type) => ID) requestId: string, @Ctx() { deliveries, service, clientIp }: GraphQLContext): Promise<OtpDelivery | null> {
    await service.checkStatusRead({ clientIp });
    return deliveries.get(requestId);
  }

  @Subscription((_returns) => OtpDelivery, {
    description:
      'The delivery state now, then each change, over WebSocket (graphql-ws) at /graphql. Completes when the state is final or the code expires; at once for an unknown id or a code that is gone.',
    subscribe: async ({ args, context }) => {
      const { deliveries, service, clientIp } = context as GraphQLContext;
      await service.checkStatusRead({ clientIp });
      return deliveries.watch(String(args.requestId));
    },
  })
  otpDeliveryChanged(@Arg('requestId', (_type) => ID) _requestId: string, @Root() view: OtpDeliveryView): OtpDelivery {
    return view;
  }
}
