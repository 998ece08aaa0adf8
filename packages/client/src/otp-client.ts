// A small typed client for frontends and other services, built on the documents generated
// from src/client/operations/*.graphql. It uses only the standard fetch API, so it runs in
// browsers and in Node 18+, and it has no dependency on the server code.
import type {
  OtpDeliveryChangedSubscription,
  OtpDeliveryQuery,
  OtpPolicyQuery,
  RequestOtpInput,
  RequestOtpMutation,
  TypedDocumentString,
  VerifyOtpInput,
  VerifyOtpMutation,
} from './generated/graphql.js';
import { OtpDeliveryChangedDocument, OtpDeliveryDocument, OtpPolicyDocument, RequestOtpDocument, VerifyOtpDocument } from './generated/graphql.js';

export type RequestOtpResult = RequestOtpMutation['requestOtp'];
export type VerifyOtpResult = VerifyOtpMutation['verifyOtp'];
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
  requestOtp(input: RequestOtpInput): Promise<RequestOtpResult>;
  verifyOtp(input: VerifyOtpInput): Promise<VerifyOtpResult>;
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

  return {
    requestOtp: async (input) => (await execute(RequestOtpDocument, { input })).requestOtp,
    verifyOtp: async (input) => (await execute(VerifyOtpDocument, { input })).verifyOtp,
    otpPolicy: async (purpose) => (await execute(OtpPolicyDocument, purpose === undefined ? {} : { purpose })).otpPolicy,
    otpDelivery: async (requestId) => (await execute(OtpDeliveryDocument, { requestId })).otpDelivery,
  };
}
