import type { DeliveryStatuses } from '../delivery/delivery-status.js';
import type { OtpService } from '../otp/otp.service.js';
export interface GraphQLContext {
    service: OtpService;
    deliveries: DeliveryStatuses;
    requestId: string;
    clientIp: string;
}
