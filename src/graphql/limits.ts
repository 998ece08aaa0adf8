// Limits on the shape of a GraphQL request, with graphql-armor: an OTP endpoint needs tiny
// queries, so anything deep, wide or long is refused before it runs. Each refusal is a
// GraphQL validation error (HTTP 400) naming the limit.
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { formatErrorFor } from './errors.js';

export const QUERY_LIMITS = {
  // The standard introspection query (GraphiQL, codegen) is 21 deep; nothing of ours is
  // deeper than 3. Introspection is counted: its ofType chains are the one way to nest here.
  maxDepth: 25,
  maxAliases: 10,
  maxDirectives: 10,
  maxTokens: 1_000,
  maxCost: 5_000,
};

export function queryLimits() {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: false },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // Off here: on Apollo, armor's token plugin turns every syntax error into a 500. graphql's
    // own parser counts tokens instead (parseOptions below), answering 400 GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    costLimit: { maxCost: QUERY_LIMITS.maxCost },
    // Off: armor's Apollo plugin masks "Did you mean …?" but leaves its "?" behind
    // ("…on type "OtpPolicy". [Suggestion hidden]?"). Production drops the whole hint in
    // formatError instead (errors.ts, withoutSuggestions), over HTTP and WebSocket alike.
    blockFieldSuggestion: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules, parseOptions: { maxTokens: QUERY_LIMITS.maxTokens } };
}

/**
 * What every Apollo Server here shares (the public API and the merchant API): the error
 * format, no stack traces, the query limits, no cache hints. Each adds its own schema and plugins.
 */
export function apolloBase<TContext extends object>(production: boolean) {
  const limits = queryLimits();
  return {
    formatError: formatErrorFor(production),
    includeStacktraceInErrorResponses: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [
      // No field here is cacheable; skip the per-field cache-hint bookkeeping.
      ApolloServerPluginCacheControlDisabled(),
      // graphql-armor's plugins are context-agnostic.
      ...(limits.plugins as ApolloServerPlugin<TContext>[]),
    ] as ApolloServerPlugin<TContext>[],
  };
}
