// A small typed client for frontends and other services, built on the documents generated
// from src/client/operations/*.graphql. It uses only the standard fetch API, so it runs in
// browsers and in Node 18+, and it has no dependency on the server code.
import type {
  OtpDeliveryChangedSubscription,
  OtpDeliveryQuery,
  OtpPolicyQuery,
  RequestOtpInput,
  RequestOtpMutation,
  ResendOtpInput,
  ResendOtpMutation,
  TypedDocumentString,
  VerifyOtpInput,
  VerifyOtpMutation,
} from './generated/graphql.js';
import {
  OtpDeliveryChangedDocument,
  OtpDeliveryDocument,
  OtpPolicyDocument,
  RequestOtpDocument,
  ResendOtpDocument,
  VerifyOtpDocument,
} from './generated/graphql.js';

export type RequestOtpResult = RequestOtpMutation['requestOtp'];
export type VerifyOtpResult = VerifyOtpMutation['verifyOtp'];
export type ResendOtpResult = ResendOtpMutation['resendOtp'];

/**
 * verifyOtp's input, where `requestId` may be left out: the client then uses the one its
 * latest SENT requestOtp for the same (email, purpose) returned.
 */
export type VerifyOtpArgs = Omit<VerifyOtpInput, 'requestId'> & { requestId?: string | null };

/**
 * resendOtp's input, where `requestId` may be left out, as for verifyOtp; `purpose` (not sent)
 * only says which remembered request is meant (default "default").
 */
export type ResendOtpArgs = Omit<ResendOtpInput, 'requestId'> & { requestId?: string | null; purpose?: string | null };
export type OtpPolicyResult = OtpPolicyQuery['otpPolicy'];
export type OtpDeliveryResult = OtpDeliveryQuery['otpDelivery'];
export type OtpDeliveryUpdate = OtpDeliveryChangedSubscription['otpDeliveryChanged'];

export interface OtpClientOptions {
  /** The GraphQL endpoint, e.g. https://otp.example.com/graphql */
  url: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Extra headers on every request (an X-Request-Id, say). */
  headers?: Record<string, string>;
}

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

/**
 * A request the server refused as a GraphQL error (malformed input, a query limit), or an
 * answer that was not GraphQL at all. Business outcomes such as a wrong code are not errors:
 * they come back as a payload status.
 */
export class OtpClientError extends Error {
  constructor(
    message: string,
    /** `extensions.code` of the first error, e.g. "BAD_USER_INPUT"; "HTTP_ERROR" when there was none. */
    readonly code: string,
    /** For BAD_USER_INPUT: the input field at fault. */
    readonly field: string | undefined,
    readonly status: number,
    readonly errors: GraphQLErrorShape[],
  ) {
    super(message);
    this.name = 'OtpClientError';
  }
}

export interface OtpClient {
  /** Asks for a code; when SENT, the client remembers its requestId for verifyOtp and resendOtp. */
  requestOtp(input: RequestOtpInput): Promise<RequestOtpResult>;
  /** Checks a code against its own request (the remembered one unless `requestId` is given). */
  verifyOtp(input: VerifyOtpArgs): Promise<VerifyOtpResult>;
  /** Emails a live code again: the same code, expiry and reference. */
  resendOtp(input: ResendOtpArgs): Promise<ResendOtpResult>;
  /** The requestId this client remembers for (email, purpose), or null. */
  requestIdFor(email: string, purpose?: string | null): string | null;
  /** The rules for `purpose` (default "default"). */
  otpPolicy(purpose?: string): Promise<OtpPolicyResult>;
  /** Where a code's email stands, by requestOtp's requestId; null for an unknown id or a code that is gone. */
  otpDelivery(requestId: string): Promise<OtpDeliveryResult>;
}

/**
 * The part of a graphql-ws client (`createClient` from "graphql-ws") that watchOtpDelivery
 * uses: the typed client does not bundle a WebSocket client, it works with yours.
 */
export interface GraphQLWsClientLike {
  subscribe(
    payload: { query: string; variables?: Record<string, unknown>; operationName?: string },
    sink: { next(value: { data?: unknown; errors?: readonly unknown[] | null }): void; error(error: unknown): void; complete(): void },
  ): () => void;
}

/**
 * Follows a code's delivery (otpDeliveryChanged) over `wsClient`: `onUpdate` hears the state
 * now and each change; `onEnd` when the state is final, the code expired or is gone, or on an
 * error. Returns a function that stops following.
 */
export function watchOtpDelivery(
  wsClient: GraphQLWsClientLike,
  requestId: string,
  onUpdate: (update: OtpDeliveryUpdate) => void,
  onEnd: (error?: unknown) => void = () => undefined,
): () => void {
  return wsClient.subscribe(
    { query: OtpDeliveryChangedDocument.toString(), variables: { requestId }, operationName: 'OtpDeliveryChanged' },
    {
      next: ({ data, errors }) => {
        if (errors?.length) onEnd(errors);
        else if (data) onUpdate((data as OtpDeliveryChangedSubscription).otpDeliveryChanged);
      },
      error: (error) => onEnd(error),
      complete: () => onEnd(),
    },
  );
}

export function createOtpClient({ url, fetch: fetchFn = globalThis.fetch, headers = {} }: OtpClientOptions): OtpClient {
  async function execute<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables?: TVariables): Promise<TResult> {
    const response = await fetchFn(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...headers,
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    let body: { data?: TResult | null; errors?: GraphQLErrorShape[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new OtpClientError(`HTTP ${response.status} without a GraphQL body`, 'HTTP_ERROR', undefined, response.status, []);
    }
    const [first] = body.errors ?? [];
    if (first || !body.data) {
      throw new OtpClientError(
        first?.message ?? `HTTP ${response.status} without data`,
        first?.extensions?.code ?? 'HTTP_ERROR',
        first?.extensions?.field,
        response.status,
        body.errors ?? [],
      );
    }
    return body.data;
  }

  // The latest SENT request per (email, purpose): a page that asked for a code and then checks
  // it need not carry the id itself. Keyed by the address as typed (trimmed, lower-cased) and
  // as the server normalised it.
  const requests = new Map<string, string>();
  const keyOf = (email: string, purpose: string | null | undefined) => `${email.trim().toLowerCase()}|${purpose ?? 'default'}`;
  const remembered = (email: string, purpose: string | null | undefined, given: string | null | undefined): string => {
    const requestId = given ?? requests.get(keyOf(email, purpose));
    if (!requestId) {
      throw new OtpClientError('requestId is required: no requestOtp for this email and purpose was SENT by this client', 'BAD_USER_INPUT', 'requestId', 0, []);
    }
    return requestId;
  };

  return {
    requestOtp: async (input) => {
      const sent = (await execute(RequestOtpDocument, { input })).requestOtp;
      if (sent.requestId) for (const email of [input.email, sent.email]) requests.set(keyOf(email, input.purpose), sent.requestId);
      return sent;
    },
    verifyOtp: async ({ requestId, ...input }) => {
      const id = remembered(input.email, input.purpose, requestId);
      const result = (await execute(VerifyOtpDocument, { input: { ...input, requestId: id } })).verifyOtp;
      // A used code's request is done: forget it, so a stale id is never sent again by default.
      if (result.success) for (const [key, value] of requests) if (value === id) requests.delete(key);
      return result;
    },
    resendOtp: async ({ requestId, purpose, ...input }) =>
      (await execute(ResendOtpDocument, { input: { ...input, requestId: remembered(input.email, purpose, requestId) } })).resendOtp,
    requestIdFor: (email, purpose) => requests.get(keyOf(email, purpose)) ?? null,
    otpPolicy: async (purpose) => (await execute(OtpPolicyDocument, purpose === undefined ? {} : { purpose })).otpPolicy,
    otpDelivery: async (requestId) => (await execute(OtpDeliveryDocument, { requestId })).otpDelivery,
  };
}
