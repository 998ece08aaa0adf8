export declare const telemetry: import("@opentelemetry/sdk-node").NodeSDK | null;
