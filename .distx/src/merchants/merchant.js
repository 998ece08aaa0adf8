export {};
//# sourceMappingURL=merchant.js.map