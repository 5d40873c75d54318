"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.seedDemoCommand = seedDemoCommand;
const cli_progress_1 = require("cli-progress");
const errors_1 = require("../errors");
const demo_plan_1 = require("../demo-plan");
const projection_progress_1 = require("../projection-progress");
const TERMINAL_STATUSES = new Set(['COMPLETED', 'FAILED', 'REJECTED', 'CANCELLED', 'ENDED', 'TIMED_OUT']);
const START = /* GraphQL */ `
  mutation SeedStart($input: StartSessionInput!) { startSession(input: $input) { id status sequence } }
`;
const START_RUN = /* GraphQL */ `
  mutation SeedRun($input: StartRunInput!) { startRun(input: $input) { id status } }
`;
const APPEND = /* GraphQL */ `
  mutation SeedAppend($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence deduplicated } }
`;
const FINISH_RUN = /* GraphQL */ `
  mutation SeedFinish($input: FinishRunInput!) { finishRun(input: $input) { id status } }
`;
const RUN_STATUS = /* GraphQL */ `
  query SeedRunStatus($id: ID!) { run(id: $id) { id status } }
`;
const RESOLVE = /* GraphQL */ `
  mutation SeedResolve($input: ResolveCheckpointInput!) { resolveCheckpoint(input: $input) { id status } }
`;
const END = /* GraphQL */ `
  mutation SeedEnd($input: EndSessionInput!) { endSession(input: $input) { id status sequence } }
`;
const SESSION = /* GraphQL */ `
  query SeedSession($id: ID!) { session(id: $id) { id status sequence } }
`;
/**
 * Replays the demo plan against the server. Every id in it is derived from the seed, so the
 * API's own idempotency (source, runId, event ids, same-status finish and end) makes a second
 * run add nothing; the one call that is not idempotent, resolveCheckpoint, is made only while
 * the run still waits at its checkpoint, and a session that the plan already ended is skipped.
 */
async function seedDemoCommand(client, options, terminal) {
    await requireWriter(client);
    const plan = (0, demo_plan_1.demoPlan)(options.seed, options.sessions);
    const started = Date.now();
    const ids = new Map();
    const resolvers = new Map();
    for (const session of plan) {
        ids.set(session.key, new Promise((resolve, reject) => resolvers.set(session.key, { resolve, reject })));
        ids.get(session.key).catch(() => undefined);
    }
    const summary = {
        seed: options.seed,
        sessions: plan.length,
        newSessions: 0,
        runs: plan.reduce((sum, session) => sum + session.steps.filter((step) => step.op === 'startRun').length, 0),
        eventsAdded: 0,
        byKind: { CHAT: 0, FLOW_RUN: 0, BACKGROUND_TASK: 0, RUNTIME: 0 },
        byStatus: {},
        sessionIds: new Array(plan.length),
        durationMs: 0,
    };
    if (!options.json)
        terminal.err(`seeding ${plan.length} demo sessions (seed "${options.seed}") into ${client.url}`);
    const bar = terminal.interactive && !options.json
        ? new cli_progress_1.SingleBar({ format: 'seed-demo [{bar}] {value}/{total} sessions | {events} events added', stream: terminal.stdout, hideCursor: true, barsize: 30 }, cli_progress_1.Presets.shades_classic)
        : null;
    bar?.start(plan.length, 0, { events: 0 });
    let next = 0;
    const worker = async () => {
        while (next < plan.length) {
            const index = next;
            next += 1;
            const session = plan[index];
            try {
                const parentSessionId = session.parentKey ? await ids.get(session.parentKey) : null;
                const outcome = await seedSession(client, session, parentSessionId, (id) => resolvers.get(session.key).resolve(id));
                summary.sessionIds[index] = outcome.id;
                summary.byKind[session.start.kind] += 1;
                summary.byStatus[outcome.status] = (summary.byStatus[outcome.status] ?? 0) + 1;
                if (outcome.isNew)
                    summary.newSessions += 1;
                summary.eventsAdded += outcome.eventsAdded;
                bar?.increment(1, { events: summary.eventsAdded });
            }
            catch (error) {
                resolvers.get(session.key).reject(error);
                throw error;
            }
        }
    };
    try {
        await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
    }
    finally {
        bar?.stop();
    }
    summary.durationMs = Date.now() - started;
    const active = plan.findIndex((session) => session.outcome === 'active');
    if (active >= 0)
        summary.followHint = summary.sessionIds[active];
    if (options.json) {
        terminal.out(JSON.stringify(summary));
    }
    else {
        printSummary(summary, client.url, options.keyHint ?? '<your key>', terminal);
    }
    return 0;
}
/** whoami is this server's addition to the contract; when it is there, refuse early with a clear reason. */
async function requireWriter(client) {
    let roles;
    try {
        roles = (await client.request('query { whoami { roles } }', {}, { retry: true })).whoami.roles;
    }
    catch (error) {
        if (error instanceof errors_1.ApiError && error.code === 'BAD_USER_INPUT')
            return;
        throw error;
    }
    const canWrite = roles.includes('ADMIN') || roles.includes('INGEST');
    const canResolve = roles.includes('ADMIN') || roles.includes('OPERATOR');
    if (!canWrite || !canResolve) {
        throw new errors_1.UsageError(`seed-demo writes sessions and resolves checkpoints: it needs an ADMIN key (this key has ${roles.join(', ') || 'no roles'})`);
    }
}
async function seedSession(client, session, parentSessionId, announce) {
    const input = { ...session.start, ...(parentSessionId ? { parentSessionId } : {}) };
    const first = (await client.request(START, { input }, { retry: true })).startSession;
    announce(first.id);
    const isNew = first.sequence === 0;
    if (TERMINAL_STATUSES.has(first.status) && first.sequence > 0) {
        // Already seeded to its end: nothing can be added to an ended session anyway.
        return { id: first.id, status: first.status, isNew: false, eventsAdded: 0 };
    }
    for (const step of session.steps)
        await perform(client, first.id, step);
    const last = (await client.request(SESSION, { id: first.id }, { retry: true })).session ?? first;
    return { id: first.id, status: last.status, isNew, eventsAdded: last.sequence - first.sequence + (isNew ? 1 : 0) };
}
async function perform(client, sessionId, step) {
    switch (step.op) {
        case 'startRun':
            await client.request(START_RUN, { input: { sessionId, runId: step.runId, model: step.model ?? null, input: step.input ?? null } }, { retry: true });
            return;
        case 'append':
            await client.request(APPEND, { input: { sessionId, runId: step.runId, events: step.events } }, { retry: true });
            return;
        case 'finishRun':
            await client.request(FINISH_RUN, { input: { sessionId, runId: step.runId, status: step.status, output: step.output ?? null, error: step.error ?? null } }, { retry: true });
            return;
        case 'resolveCheckpoint': {
            const { run } = await client.request(RUN_STATUS, { id: step.runId }, { retry: true });
            if (run?.status !== 'WAITING')
                return;
            await client.request(RESOLVE, { input: { sessionId, runId: step.runId, decision: step.decision, comment: step.comment } });
            return;
        }
        case 'endSession':
            await client.request(END, { input: { sessionId, status: step.status, reason: step.reason } }, { retry: true });
            return;
        default: {
            const _never = step;
            return _never;
        }
    }
}
function printSummary(summary, url, keyHint, terminal) {
    const kinds = Object.entries(summary.byKind)
        .filter(([, count]) => count > 0)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ');
    const statuses = Object.entries(summary.byStatus)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, count]) => `${status} ${count}`)
        .join(', ');
    const existing = summary.sessions - summary.newSessions;
    terminal.out(`seeded demo data (seed "${summary.seed}") in ${(0, projection_progress_1.formatDuration)(summary.durationMs)}`);
    terminal.out(`  sessions  ${summary.sessions} (${summary.newSessions} new, ${existing} already there): ${kinds}`);
    terminal.out(`  status    ${statuses}`);
    terminal.out(`  runs      ${summary.runs}`);
    terminal.out(`  events    ${(0, projection_progress_1.formatCount)(summary.eventsAdded)} added${summary.eventsAdded === 0 ? ' (everything was already there)' : ''}`);
    terminal.out('');
    terminal.out('Open the Command Center with this query (same key):');
    terminal.out('  query { commandCenter { counts { active attention recent } activeNow { id kind title status progress { label } } recent { id kind title status } } }');
    terminal.out(`  e.g. curl -s ${url} -H 'content-type: application/json' -H "authorization: Bearer ${keyHint}" \\`);
    terminal.out(`         -d '{"query":"{ commandCenter { counts { active attention recent } } }"}'`);
    if (summary.followHint)
        terminal.out(`Follow an active session live:  agent-ledger timeline ${summary.followHint} --follow`);
}
//# sourceMappingURL=seed-demo.js.map