// Imported first by main.ts, so that tracing (when configured) is on before the modules it
// instruments run: the HTTP server, the MongoDB driver, GraphQL, the SendGrid SDK.
import { startTelemetry } from './telemetry.js';
export const telemetry = startTelemetry();
//# sourceMappingURL=register.js.map