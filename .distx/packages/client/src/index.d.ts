export * from './otp-client.js';
export * from './generated/graphql.js';
