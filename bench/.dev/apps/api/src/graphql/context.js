"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.requireActor = requireActor;
exports.requireReader = requireReader;
exports.requireAdmin = requireAdmin;
const domain_1 = require("../../../../libs/domain/src/index.js");
/** The caller, or UNAUTHENTICATED when the request carried no known key. */
function requireActor(context) {
    if (!context.actor) {
        throw new domain_1.UnauthenticatedError('send a valid API key as "Authorization: Bearer <key>" (for WebSocket, in connection_init)');
    }
    return context.actor;
}
const READERS = ['VIEWER', 'OPERATOR', 'ADMIN'];
/** VIEWER, OPERATOR and ADMIN read their organization; INGEST keys only write. */
function requireReader(context) {
    const actor = requireActor(context);
    if (!actor.roles.some((role) => READERS.includes(role))) {
        throw new domain_1.ForbiddenError(`reading needs one of the roles ${READERS.join(', ')}; this key has ${actor.roles.join(', ')}`);
    }
    return actor;
}
function requireAdmin(context) {
    const actor = requireActor(context);
    if (!actor.roles.includes('ADMIN'))
        throw new domain_1.ForbiddenError('this needs the ADMIN role');
    return actor;
}
//# sourceMappingURL=context.js.map