# Multi-stage build: compile with dev dependencies, run with production ones only, as non-root.
FROM node:26-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The workspace's manifest: npm ci wants every workspace the lock file names.
COPY packages/client/package.json ./packages/client/
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

FROM node:26-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/client/package.json ./packages/client/
# Production dependencies only: no embedded mongod (mongodb-memory-server), no playground
# assets (graphiql, react), no types. test/deploy/image.test.ts builds this file list by hand and starts it.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# The built-in email templates (the service reads them at start; MAIL_TEMPLATES_DIR goes over them).
COPY templates ./templates
USER node
EXPOSE 4000
# The port the service listens on: PORT, as the service reads it (4000 unless set).
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
