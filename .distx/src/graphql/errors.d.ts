import { type GraphQLFormattedError } from 'graphql';
interface FieldProblem {
    field: string;
    message: string;
}
/** The field problems if `error` is malformed input refused by the service, else null. */
export declare function inputProblems(error: unknown): FieldProblem[] | null;
export declare function variableProblems(error: unknown): FieldProblem[] | null;
export declare function withoutLiteralValue(message: string): string;
/**
 * The message without graphql's "Did you mean …?" hint, which helps a developer and maps the
 * schema for an attacker: what production answers, over HTTP and WebSocket alike.
 */
export declare function withoutSuggestions(message: string): string;
/** Apollo's formatError for a server: in production also without "Did you mean …?" hints. */
export declare function formatErrorFor(production: boolean): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
/** The code for "try again shortly": the store could not be reached. */
export declare const SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";
/** Apollo's formatError hook. */
export declare function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
/** The code a client will see for this error, for logs and metrics. */
export declare function errorCode(error: unknown): string;
export {};
