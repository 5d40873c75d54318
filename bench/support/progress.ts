/** Progress of long phases, on stderr so stdout stays clean for --json. */

const tty = process.stderr.isTTY === true;

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/**
 * A percentage line for a phase of `total` units: redrawn in place on a terminal, one line per
 * 10 % otherwise (e.g. in a log file).
 */
export class Progress {
  private lastShown = -1;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {
    this.render(0);
    this.lastShown = 0;
  }

  update(done: number): void {
    const percent = this.total > 0 ? Math.floor((done * 100) / this.total) : 100;
    const step = tty ? percent : Math.floor(percent / 10) * 10;
    if (step === this.lastShown) return;
    this.lastShown = step;
    this.render(step);
  }

  done(extra = ''): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const line = `${this.label}: 100 % (${seconds} s)${extra ? `, ${extra}` : ''}`;
    process.stderr.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
  }

  private render(percent: number): void {
    const line = `${this.label}: ${percent} %`;
    if (tty) process.stderr.write(`\r\x1b[K${line}`);
    else if (percent < 100) process.stderr.write(`${line}\n`);
  }
}
