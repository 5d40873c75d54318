"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const node_fs_1 = require("node:fs");
function area(url) {
    if (!url)
        return '(native/vm)';
    const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (nm)
        return nm[1];
    const own = /dist\/((?:apps|libs)\/[^/]+|bench)/.exec(url);
    if (own)
        return own[1];
    if (url.startsWith('node:'))
        return url;
    return url.split('/').slice(-2).join('/');
}
function main() {
    const [file, topArg, ...inclusive] = process.argv.slice(2);
    if (!file) {
        process.stderr.write('usage: profile-summary <file.cpuprofile> [top] [function names for inclusive time]\n');
        process.exit(2);
    }
    const top = Number(topArg ?? 30);
    const profile = JSON.parse((0, node_fs_1.readFileSync)(file, 'utf8'));
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map();
    for (const node of profile.nodes)
        for (const child of node.children ?? [])
            parent.set(child, node.id);
    const selfMs = new Map();
    const lastMs = Number(process.env.LAST_MS ?? 0);
    const from = lastMs > 0 ? profile.endTime - lastMs * 1000 : -Infinity;
    let clock = profile.startTime;
    profile.samples.forEach((id, i) => {
        clock += profile.timeDeltas[i] ?? 0;
        if (clock >= from)
            selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    const total = lastMs > 0 ? lastMs : (profile.endTime - profile.startTime) / 1000;
    const byFunction = new Map();
    const byArea = new Map();
    const byFile = new Map();
    for (const [id, ms] of selfMs) {
        const frame = byId.get(id).callFrame;
        const key = `${frame.functionName || '(anonymous)'}  ${area(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
        byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
        byArea.set(area(frame.url), (byArea.get(area(frame.url)) ?? 0) + ms);
        const file = frame.url ? frame.url.replace(/^.*\/(dist|node_modules)\//, '') : '(native/vm)';
        byFile.set(file, (byFile.get(file) ?? 0) + ms);
    }
    const print = (title, entries) => {
        process.stdout.write(`\n${title}\n`);
        for (const [key, ms] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
            process.stdout.write(`${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${key}\n`);
        }
    };
    process.stdout.write(`profile ${file}: ${total.toFixed(0)} ms\n`);
    print('self time by area', byArea);
    print('self time by file', byFile);
    print('self time by function', byFunction);
    if (inclusive.length) {
        process.stdout.write('\ninclusive time\n');
        for (const name of inclusive) {
            let ms = 0;
            for (const [id, self] of selfMs) {
                for (let cursor = id; cursor !== undefined; cursor = parent.get(cursor)) {
                    if (byId.get(cursor).callFrame.functionName === name) {
                        ms += self;
                        break;
                    }
                }
            }
            process.stdout.write(`${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${name}\n`);
        }
    }
}
main();
//# sourceMappingURL=profile-summary.js.map