import { LedgerClient } from '../api-client';
import { EXIT } from '../errors';
import { formatCount, formatDuration } from '../projection-progress';
import { Terminal } from '../terminal';
import { requireProjection } from './projection-lookup';

const VERIFY_MUTATION = /* GraphQL */ `
  mutation Verify($name: String!) {
    verifyProjection(name: $name) { name matches liveDigest rebuiltDigest documents differences }
  }
`;

interface Verification {
  name: string;
  matches: boolean;
  liveDigest: string;
  rebuiltDigest: string;
  documents: number;
  differences: string[];
}

/**
 * Verifies a projection (the server rebuilds it into scratch space and compares digests) and
 * prints the outcome; exit 0 when it matches, 3 when it does not.
 */
export async function verifyCommand(client: LedgerClient, name: string, json: boolean, terminal: Terminal): Promise<number> {
  await requireProjection(client, name);
  const started = Date.now();
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const spinner = terminal.interactive
    ? setInterval(() => {
        frame = (frame + 1) % frames.length;
        terminal.stdout.write(`\r${frames[frame]} verifying ${name}: rebuilding into scratch space and comparing... ${formatDuration(Date.now() - started)}`);
      }, 100)
    : null;
  if (!spinner) terminal.err(`verifying ${name}: rebuilding into scratch space and comparing...`);
  let result: Verification;
  try {
    result = (await client.request<{ verifyProjection: Verification }>(VERIFY_MUTATION, { name })).verifyProjection;
  } finally {
    if (spinner) {
      clearInterval(spinner);
      terminal.stdout.write('\r\x1b[2K');
    }
  }
  const elapsed = Date.now() - started;
  if (json) {
    terminal.out(JSON.stringify({ ...result, durationMs: elapsed }));
  } else {
    terminal.out(`projection   ${result.name}`);
    terminal.out(`matches      ${result.matches ? 'yes' : 'NO'}`);
    terminal.out(`live         ${result.liveDigest}`);
    terminal.out(`rebuilt      ${result.rebuiltDigest}`);
    terminal.out(`documents    ${formatCount(result.documents)}`);
    terminal.out(`differences  ${result.differences.length}${result.differences.length >= 100 ? ' (the first 100)' : ''}`);
    result.differences.forEach((id) => terminal.out(`  ${id}`));
    terminal.out(`duration     ${formatDuration(elapsed)}`);
  }
  return result.matches ? EXIT.ok : EXIT.verifyMismatch;
}
