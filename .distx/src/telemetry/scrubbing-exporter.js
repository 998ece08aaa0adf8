// Every span leaves through here: attributes that can carry what a caller sent (a GraphQL
// document with inline values, a URL's query string) are dropped, and anything that looks like
// an email address is replaced by a short hash of it. So no code, address or secret reaches
// a trace, whatever an instrumentation records.
import { createHash } from 'node:crypto';
/** Attributes that hold a caller's words as sent: a document's source, a query string. */
const DROPPED = new Set(['graphql.source', 'url.query', 'http.target', 'db.query.text', 'db.statement']);
/** URL attributes kept without their query string. */
const URLS = new Set(['http.url', 'url.full', 'url.original']);
const EMAIL = /[^\s"'<>@]+@[^\s"'<>@]+\.[^\s"'<>@]+/g;
const hashed = (value) => `email:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
export function scrubAttributes(attributes) {
    const out = {};
    for (const [key, value] of Object.entries(attributes)) {
        if (DROPPED.has(key))
            continue;
        if (typeof value !== 'string') {
            out[key] = value;
            continue;
        }
        const text = URLS.has(key) ? value.split('?')[0] : value;
        out[key] = text.replace(EMAIL, hashed);
    }
    return out;
}
/** The span as exported: its own fields and methods, with scrubbed attributes and event attributes. */
function scrubbed(span) {
    return Object.create(span, {
        attributes: { value: scrubAttributes(span.attributes), enumerable: true },
        events: { value: span.events.map((e) => ({ ...e, attributes: e.attributes && scrubAttributes(e.attributes) })), enumerable: true },
    });
}
export class ScrubbingExporter {
    next;
    constructor(next) {
        this.next = next;
    }
    export(spans, done) {
        this.next.export(spans.map(scrubbed), done);
    }
    shutdown() {
        return this.next.shutdown();
    }
    forceFlush() {
        return this.next.forceFlush?.() ?? Promise.resolve();
    }
}
//# sourceMappingURL=scrubbing-exporter.js.map