// The SDK's in-memory exporter behind our scrubbing exporter: what leaves the process carries
// no address and no caller-sent text, and a stored traceparent makes a later span (another
// process's, in production) a child in the same trace.
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScrubbingExporter } from '../../src/telemetry/scrubbing-exporter.js';
import { contextOf, currentTraceparent, inSpanOf } from '../../src/telemetry/trace-context.js';

describe('spans on their way out, and a code\'s trace context', () => {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ScrubbingExporter(memory))] });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('drops what a caller wrote and hashes any address, in attributes and events alike', () => {
    const span = trace.getTracer('test').startSpan('mutation RequestOtp', { kind: SpanKind.SERVER });
    span.setAttributes({
      'graphql.source': 'mutation { requestOtp(input: { email: "victim@example.com" }) { status } }',
      'url.full': 'https://hooks.shop.example/otp?token=s3cret',
      'http.target': '/graphql?query=%7B...victim%40example.com',
      'otp.note': 'sent to victim@example.com',
      'http.response.status_code': 200,
    });
    span.addEvent('exception', { 'exception.message': 'refused victim@example.com' });
    span.end();
    const [exported] = memory.getFinishedSpans();
    expect(exported!.attributes).toEqual({
      'url.full': 'https://hooks.shop.example/otp',
      'otp.note': expect.stringMatching(/^sent to email:[0-9a-f]{12}$/),
      'http.response.status_code': 200,
    });
    expect(JSON.stringify(exported!.events)).not.toContain('victim@example.com');
    expect(exported!.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/); // still the span it was
  });

  it('carries a trace across a stored traceparent: the later span joins the request\'s trace as its child', async () => {
    memory.reset();
    let stored: string | null = null;
    await trace.getTracer('test').startActiveSpan('POST /graphql', async (request) => {
      stored = currentTraceparent();
      request.end();
    });
    expect(stored).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // Later, elsewhere: only the stored string is known.
    await inSpanOf(stored, 'otp.email', {}, async () => undefined);
    const [request, email] = memory.getFinishedSpans();
    expect(email!.spanContext().traceId).toBe(request!.spanContext().traceId);
    expect(email!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    // With nothing stored, nothing is joined: a span of its own trace.
    expect(trace.getSpanContext(contextOf(null))).toBeUndefined();
  });
});
