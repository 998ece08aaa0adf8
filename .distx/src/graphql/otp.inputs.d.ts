export declare class RequestOtpInput {
    email: string;
    purpose?: string | null;
    paymentIntent?: string | null;
    locale?: string | null;
    challenge?: string | null;
}
export declare class VerifyOtpInput {
    email: string;
    requestId: string;
    purpose?: string | null;
    otp: string;
    paymentIntent?: string | null;
    audience?: string | null;
}
export declare class ResendOtpInput {
    email: string;
    requestId: string;
}
