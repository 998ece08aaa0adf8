import { NodeSDK } from '@opentelemetry/sdk-node';
/** Starts tracing when an OTLP endpoint is configured; null (nothing traced, nothing exported) otherwise. */
export declare function startTelemetry(env?: NodeJS.ProcessEnv): NodeSDK | null;
