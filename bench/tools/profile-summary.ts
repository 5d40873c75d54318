import { readFileSync } from 'node:fs';

/**
 * Summarizes a V8 .cpuprofile (from `npm run bench -- --cpu-prof <dir>` or `node --cpu-prof`):
 * self time per function and per package/area, and inclusive time of chosen functions.
 *
 *   node dist/bench/tools/profile-summary.js <file.cpuprofile> [top=30] [inclusive-name...]
 *
 * LAST_MS=20000 keeps only the samples of the profile's last 20 s (e.g. the query phase of a
 * server that spent its start rebuilding read models).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(url: string): string {
  if (!url) return '(native/vm)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const own = /dist\/((?:apps|libs)\/[^/]+|bench)/.exec(url);
  if (own) return own[1]!;
  if (url.startsWith('node:')) return url;
  return url.split('/').slice(-2).join('/');
}

function main(): void {
  const [file, topArg, ...inclusive] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: profile-summary <file.cpuprofile> [top] [function names for inclusive time]\n');
    process.exit(2);
  }
  const top = Number(topArg ?? 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  const lastMs = Number(process.env.LAST_MS ?? 0);
  const from = lastMs > 0 ? profile.endTime - lastMs * 1000 : -Infinity;
  let clock = profile.startTime;
  profile.samples.forEach((id, i) => {
    clock += profile.timeDeltas[i] ?? 0;
    if (clock >= from) selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = lastMs > 0 ? lastMs : (profile.endTime - profile.startTime) / 1000;

  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    const key = `${frame.functionName || '(anonymous)'}  ${area(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    byArea.set(area(frame.url), (byArea.get(area(frame.url)) ?? 0) + ms);
    const file = frame.url ? frame.url.replace(/^.*\/(dist|node_modules)\//, '') : '(native/vm)';
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  const print = (title: string, entries: Map<string, number>) => {
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
        for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
          if (byId.get(cursor)!.callFrame.functionName === name) {
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
