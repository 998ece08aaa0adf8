// The trace context that travels with a code: written in its stored record (and in SendGrid's
// custom args, and in each merchant webhook) as a W3C traceparent, so that the worker's spans,
// in another process and later, join the trace of the request that issued the code. Joined,
// not linked: one trace per code is what an operator wants to read ("this email's whole
// life"), and the batch that carries many codes in one SendGrid call is the only place where a
// span has several such parents (it joins its first code's trace; see dispatcher.ts).
import { context, propagation, trace } from '@opentelemetry/api';
export const tracer = trace.getTracer('otp-graphql');
/** The active span's traceparent, or null when nothing is traced (telemetry off, or no span). */
export function currentTraceparent() {
    const carrier = {};
    propagation.inject(context.active(), carrier);
    return carrier.traceparent ?? null;
}
/** The context a stored traceparent names (the active one when there is none). */
export function contextOf(traceparent) {
    return traceparent ? propagation.extract(context.active(), { traceparent }) : context.active();
}
/** Runs `work` in a new span, child of the stored trace context; ends it, recording a failure. */
export async function inSpanOf(traceparent, name, options, work) {
    return tracer.startActiveSpan(name, options, contextOf(traceparent), async (span) => {
        try {
            return await work(span);
        }
        catch (error) {
            span.recordException(error);
            span.setStatus({ code: 2 });
            throw error;
        }
        finally {
            span.end();
        }
    });
}
//# sourceMappingURL=trace-context.js.map