var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
// Thin resolvers for a code's delivery status: a query, and a subscription served over
// WebSocket (graphql-ws). The rules are in delivery/delivery-status.ts.
import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { OtpDelivery } from './otp.types.js';
let DeliveryResolver = class DeliveryResolver {
    async otpDelivery(requestId, { deliveries, service, clientIp }) {
        await service.checkStatusRead({ clientIp });
        return deliveries.get(requestId);
    }
    otpDeliveryChanged(_requestId, view) {
        return view;
    }
};
__decorate([
    Query((_returns) => OtpDelivery, {
        nullable: true,
        description: "Where a code's email stands, by the requestId requestOtp returned; null for an unknown id or a code that is gone (used, replaced or deleted).",
    }),
    __param(0, Arg('requestId', (_type) => ID)),
    __param(1, Ctx()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", Promise)
], DeliveryResolver.prototype, "otpDelivery", null);
__decorate([
    Subscription((_returns) => OtpDelivery, {
        description: 'The delivery state now, then each change, over WebSocket (graphql-ws) at /graphql. Completes when the state is final or the code expires; at once for an unknown id or a code that is gone.',
        subscribe: async ({ args, context }) => {
            const { deliveries, service, clientIp } = context;
            await service.checkStatusRead({ clientIp });
            return deliveries.watch(String(args.requestId));
        },
    }),
    __param(0, Arg('requestId', (_type) => ID)),
    __param(1, Root()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", OtpDelivery)
], DeliveryResolver.prototype, "otpDeliveryChanged", null);
DeliveryResolver = __decorate([
    Resolver()
], DeliveryResolver);
export { DeliveryResolver };
//# sourceMappingURL=delivery.resolver.js.map