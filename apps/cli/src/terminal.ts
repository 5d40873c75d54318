/** Where a command writes, and what it knows about the terminal. Commands never touch process.* for output. */
export interface Terminal {
  out(line: string): void;
  err(line: string): void;
  /** stdout is a terminal: progress bars and spinners instead of plain lines. */
  interactive: boolean;
  /** Columns of the terminal; null when stdout is not one (nothing is cut then). */
  width: number | null;
  stdout: NodeJS.WriteStream;
  /** Calls `handler` on Ctrl-C (SIGINT) and SIGTERM; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

export function processTerminal(): Terminal {
  const stdout = process.stdout;
  const columns = Number(process.env.COLUMNS);
  return {
    out: (line) => void stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    interactive: Boolean(stdout.isTTY),
    width: stdout.isTTY ? stdout.columns || 100 : Number.isInteger(columns) && columns > 0 ? columns : null,
    stdout,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
