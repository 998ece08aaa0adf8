// One shape for every malformed-input error:
//   message "Invalid input: email must be ...", extensions { code: BAD_USER_INPUT, field, fields }
// for the service's refusals and for GraphQL's own variable coercion alike. The submitted
// value is never echoed back (it may be someone's code). Anything unexpected is masked.
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ChallengeFailedError, ChallengeUnavailableError } from '../edge/challenge/challenge.js';
import { InvalidInputError } from '../otp/otp.input.js';
import { RateLimitedError } from '../otp/otp.commands.js';
import { StoreUnavailableError } from '../store/otp.store.js';
import { NotFoundError } from '../merchant-api/merchant-api.service.js';

interface FieldProblem {
  field: string;
  message: string;
}

function badInput(problems: FieldProblem[], base: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: `Invalid input: ${problems.map((p) => p.message).join('; ')}`,
    locations: base.locations,
    path: base.path,
    extensions: { code: ApolloServerErrorCode.BAD_USER_INPUT, field: problems[0]?.field, fields: problems },
  };
}

/** The field problems if `error` is malformed input refused by the service, else null. */
export function inputProblems(error: unknown): FieldProblem[] | null {
  const original = unwrapResolverError(error);
  return original instanceof InvalidInputError ? [{ field: original.field, message: original.message }] : null;
}

/**
 * graphql-js's variable-coercion errors name the value they refused ("got invalid value
 * 493817 at "input.otp"; String cannot represent a non string value: 493817"), and the value
 * may be someone's code. Rewritten to the shape above: the field and the rule, never the value.
 */
const VARIABLE_ERROR = /^Variable "\$\w+" got invalid value [\s\S]*?(?: at "([^"]+)")?; ([\s\S]*)$/;

/** graphql-js's reason, as the rule it broke. */
const VARIABLE_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/not provided|not to be null/, 'is required'],
  [/is not defined by type/, 'is not a field of this input'],
  [/cannot represent/, 'must be a string'],
];

export function variableProblems(error: unknown): FieldProblem[] | null {
  const original = unwrapResolverError(error);
  if (!(original instanceof GraphQLError)) return null;
  const match = VARIABLE_ERROR.exec(original.message);
  if (!match) return null;
  const [, path, reason = ''] = match;
  // The path starts with the variable's name ("input.transaction.amount"): fields are named
  // from inside it, as the service names them ("transaction.amount").
  const inside = path?.split('.').slice(1).join('.') ?? '';
  const named = /Field "(\w+)"/.exec(reason)?.[1];
  const field = [inside, named].filter(Boolean).join('.') || 'input';
  const rule = VARIABLE_RULES.find(([pattern]) => pattern.test(reason))?.[1] ?? 'has an invalid value';
  return [{ field, message: `${field} ${rule}` }];
}

/**
 * graphql-js's validation of inline literals names the value too ("String cannot represent a
 * non string value: 493817", "Expected value of type \"ID!\", found 12."). The rule stays, the
 * value goes: it may be a code typed into a query by hand.
 */
const LITERAL_VALUE = [/(cannot represent[^:]*): [\s\S]*$/, /(Expected value of type "[^"]+"), found [\s\S]*$/] as const;

export function withoutLiteralValue(message: string): string {
  for (const pattern of LITERAL_VALUE) if (pattern.test(message)) return message.replace(pattern, '$1 (the value is not shown).');
  return message;
}

/**
 * The message without graphql's "Did you mean …?" hint, which helps a developer and maps the
 * schema for an attacker: what production answers, over HTTP and WebSocket alike.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/ Did you mean [\s\S]*\?$/, '');
}

/** Apollo's formatError for a server: in production also without "Did you mean …?" hints. */
export function formatErrorFor(production: boolean): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  if (!production) return formatError;
  return (formatted, error) => {
    const answer = formatError(formatted, error);
    return { ...answer, message: withoutSuggestions(answer.message) };
  };
}

/** The code for "try again shortly": the store could not be reached. */
export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

/** Apollo's formatError hook. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const problems = inputProblems(error) ?? variableProblems(error);
  if (problems) return badInput(problems, formatted);
  const limited = unwrapResolverError(error);
  if (limited instanceof RateLimitedError) {
    return {
      message: limited.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: limited.retryAfterSeconds },
    };
  }
  const unwrapped = unwrapResolverError(error);
  if (unwrapped instanceof NotFoundError) return { message: unwrapped.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'NOT_FOUND' } };
  if (unwrapped instanceof ChallengeFailedError) {
    return { message: unwrapped.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'CHALLENGE_FAILED', reason: unwrapped.reason } };
  }
  if (unwrapped instanceof StoreUnavailableError || unwrapped instanceof ChallengeUnavailableError) {
    return {
      message: 'The service is briefly unavailable; retry in a few seconds.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: SERVICE_UNAVAILABLE, retryable: true },
    };
  }
  // Errors the GraphQL layer raised itself (parse, validation, variable coercion) are safe to
  // show, once any literal value they quote is taken out.
  if (unwrapResolverError(error) instanceof GraphQLError) return { ...formatted, message: withoutLiteralValue(formatted.message) };
  const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { ...extensions, code: ApolloServerErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** The code a client will see for this error, for logs and metrics. */
export function errorCode(error: unknown): string {
  if (inputProblems(error)) return ApolloServerErrorCode.BAD_USER_INPUT;
  const original = unwrapResolverError(error);
  if (original instanceof StoreUnavailableError || original instanceof ChallengeUnavailableError) return SERVICE_UNAVAILABLE;
  if (original instanceof ChallengeFailedError) return 'CHALLENGE_FAILED';
  if (original instanceof RateLimitedError) return 'RATE_LIMITED';
  if (original instanceof NotFoundError) return 'NOT_FOUND';
  if (original instanceof GraphQLError) {
    const code = original.extensions?.code;
    return typeof code === 'string' ? code : 'GRAPHQL_ERROR';
  }
  return ApolloServerErrorCode.INTERNAL_SERVER_ERROR;
}
