#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { LedgerClient } from './api-client';
import { exportUsageCommand } from './commands/export-usage';
import { rebuildCommand } from './commands/rebuild';
import { seedDemoCommand } from './commands/seed-demo';
import { timelineCommand } from './commands/timeline';
import { verifyCommand } from './commands/verify';
import { Connection, DEFAULT_URL, keyShellHint, resolveConnection } from './connection';
import { DEFAULT_SEED, DEFAULT_SESSIONS, parseSeed, parseSessionCount } from './demo-plan';
import { describeError, EXIT, UsageError } from './errors';
import { processTerminal, Terminal } from './terminal';
import { parseAfter, parseSessionId, parseTypes } from './timeline-format';
import { parseDimensions, parseList, parseRange, USAGE_DIMENSIONS } from './usage-report';

const ABOUT = `
How it connects:
  Every command talks to a running Agent Ledger server through its public API
  (GraphQL over HTTP; subscriptions over graphql-ws) with an API key. No command
  opens the event store or the read store directly, so the server's roles,
  tenancy and validation apply to everything done here.

  --url  default: $LEDGER_URL, else ${DEFAULT_URL}
  --key  default: $LEDGER_API_KEY, else the dev ADMIN key that the embedded
         default writes on first start to ./data/dev-api-key.json
         ($DATA_DIR/dev-api-key.json when DATA_DIR is set)
  No server yet? Start one with \`npm start\` (embedded stores, no setup).

Exit codes: 0 done, 1 the server or the network said no, 2 bad usage,
            3 verify found differences.`;

interface GlobalOptions {
  url?: string;
  key?: string;
}

/** Runs one command with the connection from the options and the environment; maps errors to exit codes. */
async function run(command: Command, terminal: Terminal, body: (client: LedgerClient, connection: Connection) => Promise<number>): Promise<void> {
  let code: number;
  try {
    const connection = resolveConnection({ options: command.optsWithGlobals<GlobalOptions>(), env: process.env, cwd: process.cwd() });
    code = await body(new LedgerClient(connection.url, connection.key), connection);
  } catch (error) {
    const described = describeError(error);
    described.lines.forEach((line) => terminal.err(line));
    code = described.exitCode;
  }
  process.exitCode = code;
}

export function buildProgram(terminal: Terminal = processTerminal()): Command {
  const program = new Command('agent-ledger')
    .description('Admin CLI for Agent Ledger: replay timelines, rebuild and verify projections, seed demo data, export usage.')
    .option('--url <url>', `the server's GraphQL endpoint (default: $LEDGER_URL or ${DEFAULT_URL})`)
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
    .action(async (sessionId: string, options: { after: string; types?: string; follow?: boolean; json?: boolean }, command: Command) => {
      await run(command, terminal, (client) =>
        timelineCommand(
          client,
          {
            sessionId: parseSessionId(sessionId),
            after: parseAfter(options.after),
            types: parseTypes(options.types),
            follow: Boolean(options.follow),
            json: Boolean(options.json),
          },
          terminal,
        ),
      );
    });

  program
    .command('rebuild')
    .description('rebuild a projection blue/green (ADMIN) and watch it to the swap: progress bar, then events, duration and events/s')
    .argument('<projection>', 'projection name, as the projections query lists them (e.g. sessions, runs, usage)')
    .action(async (name: string, _options: unknown, command: Command) => {
      await run(command, terminal, (client) => rebuildCommand(client, name, terminal));
    });

  program
    .command('verify')
    .description('verify a projection against a fresh rebuild (ADMIN): digests, documents, differing ids; exit 3 when they differ')
    .argument('<projection>', 'projection name, as the projections query lists them')
    .option('--json', 'print the verification as one JSON object')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      await run(command, terminal, (client) => verifyCommand(client, name, Boolean(options.json), terminal));
    });

  program
    .command('seed-demo')
    .description(
      'fill the server with realistic demo activity of all four kinds (ADMIN key): principals, subagents, flows with checkpoints, ' +
        'failures, chats, runtimes, background tasks, model usage. Ids come from --seed, so running it again adds nothing',
    )
    .option('--sessions <n>', 'how many sessions', String(DEFAULT_SESSIONS))
    .option('--seed <text>', 'seed of every id (a different seed adds a separate set)', DEFAULT_SEED)
    .option('--json', 'print the summary as one JSON object')
    .action(async (options: { sessions: string; seed: string; json?: boolean }, command: Command) => {
      await run(command, terminal, (client, connection) =>
        seedDemoCommand(
          client,
          { seed: parseSeed(options.seed), sessions: parseSessionCount(options.sessions), json: Boolean(options.json), keyHint: keyShellHint(connection) },
          terminal,
        ),
      );
    });

  program
    .command('export-usage')
    .description('write the usage ledger for a time range as CSV (header row) or JSON to stdout')
    .requiredOption('--from <iso>', 'start of the range, inclusive: 2025-01-01 or 2025-01-01T00:00:00Z')
    .requiredOption('--to <iso>', 'end of the range, exclusive')
    .requiredOption('--group-by <DIM,...>', `dimensions, in column order: ${USAGE_DIMENSIONS.join(' ')}`)
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--accounts <ids>', 'only these accounts (comma-separated)')
    .option('--flows <ids>', 'only these flows')
    .option('--models <names>', 'only these models')
    .option('--principals <ids>', 'only these principals (ids)')
    .option('--sessions <ids>', 'only these sessions')
    .addHelpText('after', '\nCSV columns: the group-by dimensions (principal as type:id), then requests,inputTokens,outputTokens,\ncacheReadTokens,cacheWriteTokens,reasoningTokens,totalTokens,costUsd,unpricedRequests.\n')
    .action(
      async (
        options: { from: string; to: string; groupBy: string; format: 'csv' | 'json'; accounts?: string; flows?: string; models?: string; principals?: string; sessions?: string },
        command: Command,
      ) => {
        await run(command, terminal, (client) =>
          exportUsageCommand(
            client,
            {
              ...parseRange(options.from, options.to),
              groupBy: parseDimensions(options.groupBy),
              format: options.format,
              accounts: parseList('--accounts', options.accounts),
              flows: parseList('--flows', options.flows),
              models: parseList('--models', options.models),
              principals: parseList('--principals', options.principals),
              sessions: parseList('--sessions', options.sessions),
            },
            terminal,
          ),
        );
      },
    );

  return program;
}

async function main(): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (`| head`): nothing more to say.
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the help or the problem already.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT.failed;
    }
  }
  // Idle keep-alive sockets and closed subscriptions must not hold the process open.
  process.stdout.write('', () => process.exit(process.exitCode ?? EXIT.ok));
}

if (require.main === module) void main();
