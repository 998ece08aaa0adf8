// One log line and one duration sample per GraphQL operation: request id, operation name,
// outcome and duration (the sample labelled by the operation's root field: operationLabel). Never variables (they hold emails and codes) and never result data.
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { GraphQLContext } from './context.js';
import { errorCode, SERVICE_UNAVAILABLE } from './errors.js';

export function operationsPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors }) {
          for (const err of errors) {
            // Unexpected failures get their stack here, server-side; clients see a masked message.
            const code = errorCode(err);
            if (code === 'INTERNAL_SERVER_ERROR') {
              logger.error({ requestId: contextValue.requestId, err: err.originalError ?? err }, 'operation failed');
            } else if (code === SERVICE_UNAVAILABLE) {
              const cause = (err.originalError as Error | undefined)?.cause;
              logger.warn({ requestId: contextValue.requestId, reason: cause instanceof Error ? cause.message : String(cause) }, 'store unavailable; answered a retryable error');
            }
          }
        },
        async willSendResponse({ operationName, operation, response, errors }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.operation(operationLabel(operation), seconds);
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const data = body?.data as Record<string, { status?: unknown } | null> | null | undefined;
          const statuses = data ? Object.values(data).map((v) => v?.status).filter((s) => typeof s === 'string') : [];
          logger.info(
            {
              requestId: contextValue.requestId,
              operationName: operationName ?? null,
              status: statuses.length > 0 ? statuses.join(',') : errors?.length ? 'ERROR' : 'OK',
              errorCodes: errors?.map(errorCode),
              durationMs: Math.round(seconds * 1e5) / 100,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}

/**
 * What an operation is called in metrics: its one root field, capitalised (`requestOtp` →
 * RequestOtp), whatever the client named it or whether it named it at all. Clients choose any
 * names (`SignIn`, `Pay`, none), and a label per name would grow without bound; the schema's
 * fields are a fixed few. Several root fields, or none parsed: null (counted as other). The
 * client's own name stays in the log line.
 */
export function operationLabel(operation: OperationDefinitionNode | undefined): string | null {
  const fields = operation?.selectionSet.selections.filter((s) => !(s.kind === Kind.FIELD && s.name.value === '__typename')) ?? [];
  const [only] = fields;
  if (fields.length !== 1 || only?.kind !== Kind.FIELD) return null;
  return only.name.value.charAt(0).toUpperCase() + only.name.value.slice(1);
}
