"use strict";
/** Progress of long phases, on stderr so stdout stays clean for --json. */
Object.defineProperty(exports, "__esModule", { value: true });
exports.Progress = void 0;
exports.log = log;
exports.formatCount = formatCount;
const tty = process.stderr.isTTY === true;
function log(message) {
    process.stderr.write(`${message}\n`);
}
function formatCount(n) {
    return Math.round(n)
        .toString()
        .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
/**
 * A percentage line for a phase of `total` units: redrawn in place on a terminal, one line per
 * 10 % otherwise (e.g. in a log file).
 */
class Progress {
    label;
    total;
    lastShown = -1;
    started = Date.now();
    constructor(label, total) {
        this.label = label;
        this.total = total;
        this.render(0);
        this.lastShown = 0;
    }
    update(done) {
        const percent = this.total > 0 ? Math.floor((done * 100) / this.total) : 100;
        const step = tty ? percent : Math.floor(percent / 10) * 10;
        if (step === this.lastShown)
            return;
        this.lastShown = step;
        this.render(step);
    }
    done(extra = '') {
        const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
        const line = `${this.label}: 100 % (${seconds} s)${extra ? `, ${extra}` : ''}`;
        process.stderr.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
    }
    render(percent) {
        const line = `${this.label}: ${percent} %`;
        if (tty)
            process.stderr.write(`\r\x1b[K${line}`);
        else if (percent < 100)
            process.stderr.write(`${line}\n`);
    }
}
exports.Progress = Progress;
//# sourceMappingURL=progress.js.map