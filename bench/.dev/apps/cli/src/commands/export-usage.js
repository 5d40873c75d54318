"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.exportUsageCommand = exportUsageCommand;
const usage_report_1 = require("../usage-report");
/** Runs the usage query and writes its rows to stdout as CSV (header first) or as a JSON array. */
async function exportUsageCommand(client, options, terminal) {
    const filter = {
        from: options.from,
        to: options.to,
        ...(options.accounts ? { accountIds: options.accounts } : {}),
        ...(options.flows ? { flowIds: options.flows } : {}),
        ...(options.models ? { models: options.models } : {}),
        ...(options.principals ? { principalIds: options.principals } : {}),
        ...(options.sessions ? { sessionIds: options.sessions } : {}),
    };
    const { usage } = await client.request(usage_report_1.USAGE_QUERY, { filter, groupBy: options.groupBy }, { retry: true });
    if (options.format === 'json') {
        terminal.stdout.write(`${JSON.stringify(usage, null, 2)}\n`);
    }
    else {
        terminal.stdout.write((0, usage_report_1.usageCsv)(usage, options.groupBy));
    }
    if (terminal.interactive)
        terminal.err(`${usage.length} row${usage.length === 1 ? '' : 's'}, ${options.from} .. ${options.to}`);
    return 0;
}
//# sourceMappingURL=export-usage.js.map