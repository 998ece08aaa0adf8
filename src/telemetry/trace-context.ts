// The trace context that travels with a code: written in its stored record (and in SendGrid's
// custom args, and in each merchant webhook) as a W3C traceparent, so that the worker's spans,
// in another process and later, join the trace of the request that issued the code. Joined,
// not linked: one trace per code is what an operator wants to read ("this email's whole
// life"), and the batch that carries many codes in one SendGrid call is the only place where a
// span has several such parents (it joins its first code's trace; see dispatcher.ts).
import { context, propagation, trace, type Context, type Span, type SpanOptions } from '@opentelemetry/api';

export const tracer = trace.getTracer('otp-graphql');

/** The active span's traceparent, or null when nothing is traced (telemetry off, or no span). */
export function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** `span`'s traceparent, or null when it is not traced. */
export function traceparentOf(span: Span): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier.traceparent ?? null;
}

/** The context a stored traceparent names (the active one when there is none). */
export function contextOf(traceparent: string | null | undefined): Context {
  return traceparent ? propagation.extract(context.active(), { traceparent }) : context.active();
}

/** Runs `work` in a new span, child of the stored trace context; ends it, recording a failure. */
export async function inSpanOf<T>(traceparent: string | null | undefined, name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, options, contextOf(traceparent), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: 2 });
      throw error;
    } finally {
      span.end();
    }
  });
}
