import { errorCode, SERVICE_UNAVAILABLE } from './errors.js';
export function operationsPlugin(logger, metrics) {
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
                        }
                        else if (code === SERVICE_UNAVAILABLE) {
                            const cause = err.originalError?.cause;
                            logger.warn({ requestId: contextValue.requestId, reason: cause instanceof Error ? cause.message : String(cause) }, 'store unavailable; answered a retryable error');
                        }
                    }
                },
                async willSendResponse({ operationName, response, errors }) {
                    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
                    metrics.operation(operationName, seconds);
                    const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
                    const data = body?.data;
                    const statuses = data ? Object.values(data).map((v) => v?.status).filter((s) => typeof s === 'string') : [];
                    logger.info({
                        requestId: contextValue.requestId,
                        operationName: operationName ?? null,
                        status: statuses.length > 0 ? statuses.join(',') : errors?.length ? 'ERROR' : 'OK',
                        errorCodes: errors?.map(errorCode),
                        durationMs: Math.round(seconds * 1e5) / 100,
                    }, 'graphql operation');
                },
            };
        },
    };
}
//# sourceMappingURL=operations.plugin.js.map