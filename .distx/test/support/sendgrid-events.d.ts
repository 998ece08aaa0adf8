import { type KeyObject } from 'node:crypto';
export declare const publicKey: KeyObject, privateKey: KeyObject;
/** As SendGrid shows it under Mail Settings: the SubjectPublicKeyInfo DER, base64. */
export declare const PUBLIC_KEY: string;
export interface Post {
    status: number;
}
/** POSTs `events` to the webhook, signed with `key` at `timestamp` (seconds) unless told otherwise. */
export declare function postEvents(url: string, events: unknown[], o?: {
    key?: KeyObject;
    timestamp?: number;
    signature?: string | null;
    body?: string;
}): Promise<Post>;
export declare const event: (otpId: string, name: string, extra?: Record<string, unknown>) => {
    email: string;
    timestamp: number;
    event: string;
    sg_event_id: `${string}-${string}-${string}-${string}-${string}`;
    sg_message_id: string;
    otp_id: string;
};
