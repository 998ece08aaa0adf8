// The page a browser sees at GET /graphql. `graphiql` (the development default) is GraphiQL
// served from this package's own node_modules, so it works with no internet access;
// `apollo` is Apollo's embedded Sandbox (loaded from Apollo's CDN); `off` shows none.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
export const PLAYGROUND_ASSET_PATH = '/playground';
const require = createRequire(import.meta.url);
/** The files the offline page needs, by the name it asks for them. */
const ASSETS = {
    'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
    'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
    'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
    'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};
/** The browser builds are not in the packages' "exports": find them beside package.json. */
const assetPath = ({ pkg, file }) => join(dirname(require.resolve(`${pkg}/package.json`)), file);
function graphiqlHtml(endpoint) {
    const asset = (name) => `${PLAYGROUND_ASSET_PATH}/${name}`;
    return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>otp-graphql — GraphiQL</title>
  <link rel="stylesheet" href="${asset('graphiql.css')}">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${asset('react.js')}"></script>
  <script src="${asset('react-dom.js')}"></script>
  <script src="${asset('graphiql.js')}"></script>
  <script>
    // Subscriptions (otpDeliveryChanged) go over WebSocket to the same path, with graphql-ws
    // (bundled in GraphiQL's build).
    const endpoint = ${JSON.stringify(endpoint)};
    const subscriptionUrl = location.origin.replace(/^http/, 'ws') + endpoint;
    const fetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl });
    const defaultQuery = [
      '# 1. Request a code (the log or the inbox has it); note the requestId.',
      'mutation RequestOtp {',
      '  requestOtp(input: { email: "you@example.com" }) {',
      '    success status message expiresAt retryAfterSeconds reference requestId',
      '  }',
      '}',
      '',
      '# 2. Follow its email: paste the requestId and run this (it streams until the state is final).',
      'subscription OtpDeliveryChanged {',
      '  otpDeliveryChanged(requestId: "paste-the-requestId") { state updatedAt }',
      '}',
      '',
      '# 3. Check the code, with the same requestId: a code verifies only with the request that issued it.',
      'mutation VerifyOtp {',
      '  verifyOtp(input: { email: "you@example.com", requestId: "paste-the-requestId", otp: "123456" }) {',
      '    success status message errorCode attemptsRemaining verificationToken',
      '  }',
      '}',
      '',
      '# A payment: paymentIntent is what the merchant backend signed (in development:',
      '#   node scripts/demo-intent.mjs 149.90 MYR); pass it to requestOtp and to verifyOtp.',
      '#   requestOtp(input: { email: "you@example.com", purpose: "payment", paymentIntent: "eyJ…" }) { status requestId }',
      '',
      '# No email yet? Send the same code again (same expiry and reference), after the cooldown.',
      'mutation ResendOtp {',
      '  resendOtp(input: { email: "you@example.com", requestId: "paste-the-requestId" }) {',
      '    success status message retryAfterSeconds reference',
      '  }',
      '}',
      '',
    ].join('\\n');
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: true }),
    );
  </script>
</body>
</html>`;
}
/** The Apollo plugin that renders the chosen landing page. */
export function playgroundPlugin(mode, endpoint) {
    if (mode === 'off')
        return ApolloServerPluginLandingPageDisabled();
    if (mode === 'apollo')
        return ApolloServerPluginLandingPageLocalDefault({ embed: true });
    const html = graphiqlHtml(endpoint);
    return {
        async serverWillStart() {
            return { async renderLandingPage() { return { html }; } };
        },
    };
}
/** Whether GraphiQL's files are installed: they are development dependencies, absent from the production image. */
export function playgroundAssetsInstalled() {
    try {
        Object.values(ASSETS).forEach((asset) => require.resolve(`${asset.pkg}/package.json`));
        return true;
    }
    catch {
        return false;
    }
}
/** Serves GraphiQL's and React's browser builds from node_modules (offline mode only). */
export function registerPlaygroundAssets(fastify) {
    const cache = new Map();
    fastify.get(`${PLAYGROUND_ASSET_PATH}/:file`, async (request, reply) => {
        // Own keys only: `constructor`, `__proto__` or `toString` must be a 404, not a prototype's member.
        const asset = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined;
        if (!asset)
            return reply.code(404).send({ error: 'not found' });
        let body = cache.get(request.params.file);
        if (!body) {
            body = await readFile(assetPath(asset));
            cache.set(request.params.file, body);
        }
        return reply.header('content-type', asset.type).header('cache-control', 'public, max-age=86400').send(body);
    });
}
//# sourceMappingURL=playground.js.map