"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SYSTEM_PRINCIPAL = exports.ROLES = exports.PRINCIPAL_TYPES = void 0;
exports.samePrincipal = samePrincipal;
exports.PRINCIPAL_TYPES = ['USER', 'MANAGED_AGENT', 'SERVICE', 'FLOW'];
exports.ROLES = ['VIEWER', 'INGEST', 'OPERATOR', 'ADMIN'];
/** The principal the system acts as, e.g. when an idle RUNTIME session times out. */
exports.SYSTEM_PRINCIPAL = Object.freeze({ type: 'SERVICE', id: 'agent-ledger', name: 'Agent Ledger' });
function samePrincipal(a, b) {
    return a.type === b.type && a.id === b.id;
}
//# sourceMappingURL=principal.js.map