import { ALTCHA_PATH, AltchaChallenge } from '../edge/challenge/altcha.js';
export function registerChallengeRoutes(fastify, challenge) {
    if (!(challenge instanceof AltchaChallenge))
        return;
    fastify.get(ALTCHA_PATH, async (_request, reply) => reply.header('cache-control', 'no-store').send(await challenge.issue()));
}
//# sourceMappingURL=challenge.routes.js.map