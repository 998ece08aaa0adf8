// What every resolver receives. Built per request by the HTTP layer.
import type { OtpService } from '../otp/otp.service.js';

export interface GraphQLContext {
  service: OtpService;
  requestId: string;
  clientIp: string;
}
