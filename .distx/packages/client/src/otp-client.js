import { OtpDeliveryChangedDocument, OtpDeliveryDocument, OtpPolicyDocument, RequestOtpDocument, ResendOtpDocument, VerifyOtpDocument, } from './generated/graphql.js';
/**
 * A request the server refused as a GraphQL error (malformed input, a query limit), or an
 * answer that was not GraphQL at all. Business outcomes such as a wrong code are not errors:
 * they come back as a payload status.
 */
export class OtpClientError extends Error {
    code;
    field;
    status;
    errors;
    constructor(message, 
    /** `extensions.code` of the first error, e.g. "BAD_USER_INPUT"; "HTTP_ERROR" when there was none. */
    code, 
    /** For BAD_USER_INPUT: the input field at fault. */
    field, status, errors) {
        super(message);
        this.code = code;
        this.field = field;
        this.status = status;
        this.errors = errors;
        this.name = 'OtpClientError';
    }
}
/**
 * Follows a code's delivery (otpDeliveryChanged) over `wsClient`: `onUpdate` hears the state
 * now and each change; `onEnd` when the state is final, the code expired or is gone, or on an
 * error. Returns a function that stops following.
 */
export function watchOtpDelivery(wsClient, requestId, onUpdate, onEnd = () => undefined) {
    return wsClient.subscribe({ query: OtpDeliveryChangedDocument.toString(), variables: { requestId }, operationName: 'OtpDeliveryChanged' }, {
        next: ({ data, errors }) => {
            if (errors?.length)
                onEnd(errors);
            else if (data)
                onUpdate(data.otpDeliveryChanged);
        },
        error: (error) => onEnd(error),
        complete: () => onEnd(),
    });
}
export function createOtpClient({ url, fetch: fetchFn = globalThis.fetch, headers = {} }) {
    async function execute(document, variables) {
        const response = await fetchFn(url, {
            method: 'POST',
            headers: {
                'content-type': 'application/json',
                accept: 'application/graphql-response+json, application/json',
                ...headers,
            },
            body: JSON.stringify({ query: document.toString(), variables }),
        });
        let body;
        try {
            body = (await response.json());
        }
        catch {
            throw new OtpClientError(`HTTP ${response.status} without a GraphQL body`, 'HTTP_ERROR', undefined, response.status, []);
        }
        const [first] = body.errors ?? [];
        if (first || !body.data) {
            throw new OtpClientError(first?.message ?? `HTTP ${response.status} without data`, first?.extensions?.code ?? 'HTTP_ERROR', first?.extensions?.field, response.status, body.errors ?? []);
        }
        return body.data;
    }
    // The latest SENT request per (email, purpose): a page that asked for a code and then checks
    // it need not carry the id itself. Keyed by the address as typed (trimmed, lower-cased) and
    // as the server normalised it.
    const requests = new Map();
    const keyOf = (email, purpose) => `${email.trim().toLowerCase()}|${purpose ?? 'default'}`;
    const remembered = (email, purpose, given) => {
        const requestId = given ?? requests.get(keyOf(email, purpose));
        if (!requestId) {
            throw new OtpClientError('requestId is required: no requestOtp for this email and purpose was SENT by this client', 'BAD_USER_INPUT', 'requestId', 0, []);
        }
        return requestId;
    };
    return {
        requestOtp: async (input) => {
            const sent = (await execute(RequestOtpDocument, { input })).requestOtp;
            if (sent.requestId)
                for (const email of [input.email, sent.email])
                    requests.set(keyOf(email, input.purpose), sent.requestId);
            return sent;
        },
        verifyOtp: async ({ requestId, ...input }) => {
            const id = remembered(input.email, input.purpose, requestId);
            const result = (await execute(VerifyOtpDocument, { input: { ...input, requestId: id } })).verifyOtp;
            // A used code's request is done: forget it, so a stale id is never sent again by default.
            if (result.success)
                for (const [key, value] of requests)
                    if (value === id)
                        requests.delete(key);
            return result;
        },
        resendOtp: async ({ requestId, purpose, ...input }) => (await execute(ResendOtpDocument, { input: { ...input, requestId: remembered(input.email, purpose, requestId) } })).resendOtp,
        requestIdFor: (email, purpose) => requests.get(keyOf(email, purpose)) ?? null,
        otpPolicy: async (purpose) => (await execute(OtpPolicyDocument, purpose === undefined ? {} : { purpose })).otpPolicy,
        otpDelivery: async (requestId) => (await execute(OtpDeliveryDocument, { requestId })).otpDelivery,
    };
}
//# sourceMappingURL=otp-client.js.map