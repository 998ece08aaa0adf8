import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { GraphQLContext } from './context.js';
export declare function operationsPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<GraphQLContext>;
