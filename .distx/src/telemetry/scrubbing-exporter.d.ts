import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Attributes } from '@opentelemetry/api';
export declare function scrubAttributes(attributes: Attributes): Attributes;
export declare class ScrubbingExporter implements SpanExporter {
    private readonly next;
    constructor(next: SpanExporter);
    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void;
    shutdown(): Promise<void>;
    forceFlush(): Promise<void>;
}
