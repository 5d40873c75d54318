"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.processTerminal = processTerminal;
function processTerminal() {
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
//# sourceMappingURL=terminal.js.map