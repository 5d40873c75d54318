"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.projections = projections;
exports.requireProjection = requireProjection;
const errors_1 = require("../errors");
const projection_progress_1 = require("../projection-progress");
const PROJECTIONS_QUERY = `query Projections { projections { ${projection_progress_1.PROJECTION_FIELDS} } }`;
async function projections(client) {
    return (await client.request(PROJECTIONS_QUERY, {}, { retry: true })).projections;
}
/** The projection's current (live) status; a usage error naming the projections when there is none. */
async function requireProjection(client, name) {
    const all = await projections(client);
    const mine = all.filter((status) => status.name === name);
    if (mine.length === 0) {
        const names = [...new Set(all.map((status) => status.name))];
        throw new errors_1.UsageError(`no projection named ${JSON.stringify(name)}; the server has: ${names.join(', ') || 'none'}`);
    }
    return mine.find((status) => status.state === 'LIVE') ?? mine.reduce((a, b) => (b.version > a.version ? b : a));
}
//# sourceMappingURL=projection-lookup.js.map