// OpenTelemetry tracing, on only when OTEL_EXPORTER_OTLP_ENDPOINT (or its _TRACES_ variant) is
// set, configured by the SDK's own variables (OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf by
// default, http/json or grpc; OTEL_SERVICE_NAME; OTEL_RESOURCE_ATTRIBUTES; OTEL_SDK_DISABLED).
// The maintained instrumentations make the spans of HTTP in and out (Fastify's server, the
// SendGrid SDK's axios), fetch (merchant webhooks, through undici), GraphQL and the MongoDB
// driver; ours (trace-context.ts) join a code's spans across processes. Every span is
// scrubbed on its way out (scrubbing-exporter.ts).
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ScrubbingExporter } from './scrubbing-exporter.js';

/** Probes and scrapes: no trace for each of them. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/** The exporter OTEL_EXPORTER_OTLP_PROTOCOL names; each reads its endpoint and headers from the environment. */
function exporterFor(env: NodeJS.ProcessEnv): SpanExporter {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (protocol === 'http/json') return new JsonExporter();
  if (protocol === 'grpc') return new GrpcExporter();
  return new ProtobufExporter();
}

/** Starts tracing when an OTLP endpoint is configured; null (nothing traced, nothing exported) otherwise. */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): NodeSDK | null {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || env.OTEL_SDK_DISABLED === 'true') return null;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? 'otp-graphql',
    spanProcessors: [new BatchSpanProcessor(new ScrubbingExporter(exporterFor(env)))],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED.has((req.url ?? '').split('?')[0]!) }),
      new UndiciInstrumentation(),
      // Values stay out (allowValues is off by default); the document's source is dropped on export.
      new GraphQLInstrumentation({ mergeItems: true, ignoreResolveSpans: true }),
      new MongoDBInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}
