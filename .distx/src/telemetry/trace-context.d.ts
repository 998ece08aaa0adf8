import { type Context, type Span, type SpanOptions } from '@opentelemetry/api';
export declare const tracer: import("@opentelemetry/api").Tracer;
/** The active span's traceparent, or null when nothing is traced (telemetry off, or no span). */
export declare function currentTraceparent(): string | null;
/** The context a stored traceparent names (the active one when there is none). */
export declare function contextOf(traceparent: string | null | undefined): Context;
/** Runs `work` in a new span, child of the stored trace context; ends it, recording a failure. */
export declare function inSpanOf<T>(traceparent: string | null | undefined, name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T>;
