"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.verifyCommand = verifyCommand;
const errors_1 = require("../errors");
const projection_progress_1 = require("../projection-progress");
const projection_lookup_1 = require("./projection-lookup");
const VERIFY_MUTATION = /* GraphQL */ `
  mutation Verify($name: String!) {
    verifyProjection(name: $name) { name matches liveDigest rebuiltDigest documents differences }
  }
`;
/**
 * Verifies a projection (the server rebuilds it into scratch space and compares digests) and
 * prints the outcome; exit 0 when it matches, 3 when it does not.
 */
async function verifyCommand(client, name, json, terminal) {
    await (0, projection_lookup_1.requireProjection)(client, name);
    const started = Date.now();
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let frame = 0;
    const spinner = terminal.interactive
        ? setInterval(() => {
            frame = (frame + 1) % frames.length;
            terminal.stdout.write(`\r${frames[frame]} verifying ${name}: rebuilding into scratch space and comparing... ${(0, projection_progress_1.formatDuration)(Date.now() - started)}`);
        }, 100)
        : null;
    if (!spinner)
        terminal.err(`verifying ${name}: rebuilding into scratch space and comparing...`);
    let result;
    try {
        result = (await client.request(VERIFY_MUTATION, { name })).verifyProjection;
    }
    finally {
        if (spinner) {
            clearInterval(spinner);
            terminal.stdout.write('\r\x1b[2K');
        }
    }
    const elapsed = Date.now() - started;
    if (json) {
        terminal.out(JSON.stringify({ ...result, durationMs: elapsed }));
    }
    else {
        terminal.out(`projection   ${result.name}`);
        terminal.out(`matches      ${result.matches ? 'yes' : 'NO'}`);
        terminal.out(`live         ${result.liveDigest}`);
        terminal.out(`rebuilt      ${result.rebuiltDigest}`);
        terminal.out(`documents    ${(0, projection_progress_1.formatCount)(result.documents)}`);
        terminal.out(`differences  ${result.differences.length}${result.differences.length >= 100 ? ' (the first 100)' : ''}`);
        result.differences.forEach((id) => terminal.out(`  ${id}`));
        terminal.out(`duration     ${(0, projection_progress_1.formatDuration)(elapsed)}`);
    }
    return result.matches ? errors_1.EXIT.ok : errors_1.EXIT.verifyMismatch;
}
//# sourceMappingURL=verify.js.map