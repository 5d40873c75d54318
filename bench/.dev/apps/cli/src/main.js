#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.buildProgram = buildProgram;
const commander_1 = require("commander");
const api_client_1 = require("./api-client");
const export_usage_1 = require("./commands/export-usage");
const rebuild_1 = require("./commands/rebuild");
const seed_demo_1 = require("./commands/seed-demo");
const timeline_1 = require("./commands/timeline");
const verify_1 = require("./commands/verify");
const connection_1 = require("./connection");
const demo_plan_1 = require("./demo-plan");
const errors_1 = require("./errors");
const terminal_1 = require("./terminal");
const timeline_format_1 = require("./timeline-format");
const usage_report_1 = require("./usage-report");
const ABOUT = `
How it connects:
  Every command talks to a running Agent Ledger server through its public API
  (GraphQL over HTTP; subscriptions over graphql-ws) with an API key. No command
  opens the event store or the read store directly, so the server's roles,
  tenancy and validation apply to everything done here.

  --url  default: $LEDGER_URL, else ${connection_1.DEFAULT_URL}
  --key  default: $LEDGER_API_KEY, else the dev ADMIN key that the embedded
         default writes on first start to ./data/dev-api-key.json
         ($DATA_DIR/dev-api-key.json when DATA_DIR is set)
  No server yet? Start one with \`npm start\` (embedded stores, no setup).

Exit codes: 0 done, 1 the server or the network said no, 2 bad usage,
            3 verify found differences.`;
/** Runs one command with the connection from the options and the environment; maps errors to exit codes. */
async function run(command, terminal, body) {
    let code;
    try {
        const connection = (0, connection_1.resolveConnection)({ options: command.optsWithGlobals(), env: process.env, cwd: process.cwd() });
        code = await body(new api_client_1.LedgerClient(connection.url, connection.key), connection);
    }
    catch (error) {
        const described = (0, errors_1.describeError)(error);
        described.lines.forEach((line) => terminal.err(line));
        code = described.exitCode;
    }
    process.exitCode = code;
}
function buildProgram(terminal = (0, terminal_1.processTerminal)()) {
    const program = new commander_1.Command('agent-ledger')
        .description('Admin CLI for Agent Ledger: replay timelines, rebuild and verify projections, seed demo data, export usage.')
        .option('--url <url>', `the server's GraphQL endpoint (default: $LEDGER_URL or ${connection_1.DEFAULT_URL})`)
        .option('--key <key>', 'API key (default: $LEDGER_API_KEY, else the dev key in ./data/dev-api-key.json)')
        .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
        .showHelpAfterError('(add --help for usage)')
        .addHelpText('after', ABOUT)
        .exitOverride();
    program
        .command('timeline')
        .description("print a session's events, one line each (sequence, time, type, run, data); --follow keeps printing new ones live")
        .argument('<sessionId>', 'session id ("session_" + 32 hex)')
        .option('--after <n>', 'only events after this sequence (-1: from the start)', '-1')
        .option('--types <a,b>', 'only these event types, e.g. MESSAGE,TOOL_CALL,SessionEnded')
        .option('--follow', 'after the history, keep following through the timeline subscription (resumes after the last sequence on reconnect; Ctrl-C to stop)')
        .option('--json', 'one JSON object per event and line, nothing cut (the default cuts lines to the terminal width)')
        .action(async (sessionId, options, command) => {
        await run(command, terminal, (client) => (0, timeline_1.timelineCommand)(client, {
            sessionId: (0, timeline_format_1.parseSessionId)(sessionId),
            after: (0, timeline_format_1.parseAfter)(options.after),
            types: (0, timeline_format_1.parseTypes)(options.types),
            follow: Boolean(options.follow),
            json: Boolean(options.json),
        }, terminal));
    });
    program
        .command('rebuild')
        .description('rebuild a projection blue/green (ADMIN) and watch it to the swap: progress bar, then events, duration and events/s')
        .argument('<projection>', 'projection name, as the projections query lists them (e.g. sessions, runs, usage)')
        .action(async (name, _options, command) => {
        await run(command, terminal, (client) => (0, rebuild_1.rebuildCommand)(client, name, terminal));
    });
    program
        .command('verify')
        .description('verify a projection against a fresh rebuild (ADMIN): digests, documents, differing ids; exit 3 when they differ')
        .argument('<projection>', 'projection name, as the projections query lists them')
        .option('--json', 'print the verification as one JSON object')
        .action(async (name, options, command) => {
        await run(command, terminal, (client) => (0, verify_1.verifyCommand)(client, name, Boolean(options.json), terminal));
    });
    program
        .command('seed-demo')
        .description('fill the server with realistic demo activity of all four kinds (ADMIN key): principals, subagents, flows with checkpoints, ' +
        'failures, chats, runtimes, background tasks, model usage. Ids come from --seed, so running it again adds nothing')
        .option('--sessions <n>', 'how many sessions', String(demo_plan_1.DEFAULT_SESSIONS))
        .option('--seed <text>', 'seed of every id (a different seed adds a separate set)', demo_plan_1.DEFAULT_SEED)
        .option('--json', 'print the summary as one JSON object')
        .action(async (options, command) => {
        await run(command, terminal, (client, connection) => (0, seed_demo_1.seedDemoCommand)(client, { seed: (0, demo_plan_1.parseSeed)(options.seed), sessions: (0, demo_plan_1.parseSessionCount)(options.sessions), json: Boolean(options.json), keyHint: (0, connection_1.keyShellHint)(connection) }, terminal));
    });
    program
        .command('export-usage')
        .description('write the usage ledger for a time range as CSV (header row) or JSON to stdout')
        .requiredOption('--from <iso>', 'start of the range, inclusive: 2025-01-01 or 2025-01-01T00:00:00Z')
        .requiredOption('--to <iso>', 'end of the range, exclusive')
        .requiredOption('--group-by <DIM,...>', `dimensions, in column order: ${usage_report_1.USAGE_DIMENSIONS.join(' ')}`)
        .addOption(new commander_1.Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
        .option('--accounts <ids>', 'only these accounts (comma-separated)')
        .option('--flows <ids>', 'only these flows')
        .option('--models <names>', 'only these models')
        .option('--principals <ids>', 'only these principals (ids)')
        .option('--sessions <ids>', 'only these sessions')
        .addHelpText('after', '\nCSV columns: the group-by dimensions (principal as type:id), then requests,inputTokens,outputTokens,\ncacheReadTokens,cacheWriteTokens,reasoningTokens,totalTokens,costUsd,unpricedRequests.\n')
        .action(async (options, command) => {
        await run(command, terminal, (client) => (0, export_usage_1.exportUsageCommand)(client, {
            ...(0, usage_report_1.parseRange)(options.from, options.to),
            groupBy: (0, usage_report_1.parseDimensions)(options.groupBy),
            format: options.format,
            accounts: (0, usage_report_1.parseList)('--accounts', options.accounts),
            flows: (0, usage_report_1.parseList)('--flows', options.flows),
            models: (0, usage_report_1.parseList)('--models', options.models),
            principals: (0, usage_report_1.parseList)('--principals', options.principals),
            sessions: (0, usage_report_1.parseList)('--sessions', options.sessions),
        }, terminal));
    });
    return program;
}
async function main() {
    process.stdout.on('error', (error) => {
        // The reader went away (`| head`): nothing more to say.
        if (error.code === 'EPIPE')
            process.exit(errors_1.EXIT.ok);
        throw error;
    });
    const program = buildProgram();
    try {
        await program.parseAsync(process.argv);
    }
    catch (error) {
        if (error instanceof commander_1.CommanderError) {
            // Commander has printed the help or the problem already.
            process.exitCode = error.exitCode === 0 ? errors_1.EXIT.ok : errors_1.EXIT.usage;
        }
        else if (error instanceof errors_1.UsageError) {
            process.stderr.write(`error: ${error.message}\n`);
            process.exitCode = errors_1.EXIT.usage;
        }
        else {
            process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = errors_1.EXIT.failed;
        }
    }
    // Idle keep-alive sockets and closed subscriptions must not hold the process open.
    process.stdout.write('', () => process.exit(process.exitCode ?? errors_1.EXIT.ok));
}
if (require.main === module)
    void main();
//# sourceMappingURL=main.js.map