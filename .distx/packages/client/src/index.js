// The package's entry point: `import { createOtpClient } from 'otp-graphql-client'`.
export * from './otp-client.js';
export * from './generated/graphql.js';
//# sourceMappingURL=index.js.map