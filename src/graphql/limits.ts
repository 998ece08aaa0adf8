// Limits on the shape of a GraphQL request, with graphql-armor: an OTP endpoint needs tiny
// queries, so anything deep, wide or long is refused before it runs. Each refusal is a
// GraphQL validation error (HTTP 400) naming the limit.
import { ApolloArmor } from '@escape.tech/graphql-armor';

export const QUERY_LIMITS = {
  // The standard introspection query (GraphiQL, codegen) is 21 deep; nothing of ours is
  // deeper than 3. Introspection is counted: its ofType chains are the one way to nest here.
  maxDepth: 25,
  maxAliases: 10,
  maxDirectives: 10,
  maxTokens: 1_000,
  maxCost: 5_000,
};

export function queryLimits(production: boolean) {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: false },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // Off here: on Apollo, armor's token plugin turns every syntax error into a 500. graphql's
    // own parser counts tokens instead (parseOptions below), answering 400 GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    costLimit: { maxCost: QUERY_LIMITS.maxCost },
    // "Did you mean …?" hints help a developer and map the schema for an attacker.
    blockFieldSuggestion: { enabled: production },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules, parseOptions: { maxTokens: QUERY_LIMITS.maxTokens } };
}
