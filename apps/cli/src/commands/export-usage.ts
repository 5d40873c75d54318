import { LedgerClient } from '../api-client';
import { Terminal } from '../terminal';
import { USAGE_QUERY, usageCsv, UsageDimension, UsageRow } from '../usage-report';

export interface ExportUsageOptions {
  from: string;
  to: string;
  groupBy: UsageDimension[];
  format: 'csv' | 'json';
  accounts?: string[];
  flows?: string[];
  models?: string[];
  principals?: string[];
  sessions?: string[];
}

/** Runs the usage query and writes its rows to stdout as CSV (header first) or as a JSON array. */
export async function exportUsageCommand(client: LedgerClient, options: ExportUsageOptions, terminal: Terminal): Promise<number> {
  const filter = {
    from: options.from,
    to: options.to,
    ...(options.accounts ? { accountIds: options.accounts } : {}),
    ...(options.flows ? { flowIds: options.flows } : {}),
    ...(options.models ? { models: options.models } : {}),
    ...(options.principals ? { principalIds: options.principals } : {}),
    ...(options.sessions ? { sessionIds: options.sessions } : {}),
  };
  const { usage } = await client.request<{ usage: UsageRow[] }>(USAGE_QUERY, { filter, groupBy: options.groupBy }, { retry: true });
  if (options.format === 'json') {
    terminal.stdout.write(`${JSON.stringify(usage, null, 2)}\n`);
  } else {
    terminal.stdout.write(usageCsv(usage, options.groupBy));
  }
  if (terminal.interactive) terminal.err(`${usage.length} row${usage.length === 1 ? '' : 's'}, ${options.from} .. ${options.to}`);
  return 0;
}
