import type { OtpDeliveryView } from '../delivery/delivery-status.js';
import type { GraphQLContext } from './context.js';
import { OtpDelivery } from './otp.types.js';
export declare class DeliveryResolver {
    otpDelivery(requestId: string, { deliveries, service, clientIp }: GraphQLContext): Promise<OtpDelivery | null>;
    otpDeliveryChanged(_requestId: string, view: OtpDeliveryView): OtpDelivery;
}
