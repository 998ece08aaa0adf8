// One log line per GraphQL operation: request id, operation name, outcome and duration.
// Never variables (they hold emails and codes) and never result data.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../logger.js';
import type { GraphQLContext } from './context.js';
import { errorCode } from './errors.js';

export function loggingPlugin(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors }) {
          for (const err of errors) {
            // Unexpected failures get their stack here, server-side; clients see a masked message.
            if (errorCode(err) === 'INTERNAL_SERVER_ERROR') {
              logger.error({ requestId: contextValue.requestId, err: err.originalError ?? err }, 'operation failed');
            }
          }
        },
        async willSendResponse({ operationName, response, errors }) {
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const data = body?.data as Record<string, { status?: unknown } | null> | null | undefined;
          const statuses = data ? Object.values(data).map((v) => v?.status).filter((s) => typeof s === 'string') : [];
          logger.info(
            {
              requestId: contextValue.requestId,
              operationName: operationName ?? null,
              status: statuses.length > 0 ? statuses.join(',') : errors?.length ? 'ERROR' : 'OK',
              errorCodes: errors?.map(errorCode),
              durationMs: Math.round(durationMs * 100) / 100,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
