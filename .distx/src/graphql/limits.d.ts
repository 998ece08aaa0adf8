export declare const QUERY_LIMITS: {
    maxDepth: number;
    maxAliases: number;
    maxDirectives: number;
    maxTokens: number;
    maxCost: number;
};
export declare function queryLimits(): {
    plugins: import("@apollo/server", { with: { "resolution-mode": "require" } }).ApolloServerPlugin<import("@apollo/server", { with: { "resolution-mode": "require" } }).BaseContext>[];
    validationRules: import("graphql").ValidationRule[];
    parseOptions: {
        maxTokens: number;
    };
};
