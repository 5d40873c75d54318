import { Finding, RedactionError } from './finding';
import { Prefilter, PRESET_TRIGGERS, segmentAt } from './prefilter';
import { SecretlintEngine } from './secretlint-engine';
import { ALL_RULES, scanSupplementary } from './supplementary-rules';

export interface RedactorOptions {
  /**
   * Hand the rules only the segments of the batch text that hold a rule's trigger (see
   * prefilter.ts). On by default; off, every segment is scanned (tests compare the two).
   */
  prefilter?: boolean;
}

export interface RedactionResult {
  /** A deep copy of the input with every credential replaced by `[REDACTED:<rule>]`. */
  value: unknown;
  /** Distinct rule names of the replacements made in `value`, sorted. */
  rules: string[];
}

/**
 * Between two scanned strings. `\n` stops patterns built on `.` or `[^\s…]`, `\0` stops those
 * built on `[\s…]`, and both are non-word, non-letter characters, so `\b` and `(?<!\p{L})`
 * boundaries still fire at the edge of every string: no pattern can join the end of one string
 * to the start of the next. It also leads the text, because secretlint strips a leading BOM,
 * which would shift every offset by one.
 */
const SEPARATOR = '\n\u0000';

/**
 * Between an object key and its string value, so that rules which need the name next to the value
 * (`aws_secret_access_key: <secret>`, `Authorization: Bearer <token>`) also fire when the name is
 * an object key rather than part of the string.
 */
const KEY_VALUE_GLUE = ': ';

/**
 * Upper bound (in UTF-16 units) of the text handed to one secretlint run, except that a single
 * string is never split. secretlint de-duplicates its findings pairwise, so one run costs
 * O(findings²): a 160 KiB batch dense with tokens took 490 ms in one run. Runs over 16 KiB chunks
 * keep that bounded and linear in the batch size, while a normal 100-event batch pays only three
 * or four runs' fixed setup (~20 µs each).
 */
const CHUNK_CHARS = 16 * 1024;

/** Deeper than any real payload and well inside the stack of the recursive copy. */
const MAX_DEPTH = 1000;

type Container = Record<string, unknown> | unknown[];

/** Where a scanned string lives in the copy, so its redacted form can be written back. */
type Slot =
  | { kind: 'root'; index: number }
  | { kind: 'entry'; holder: Container; key: string | number }
  | { kind: 'key'; holder: Record<string, unknown>; key: string };

interface Leaf {
  start: number;
  end: number;
  text: string;
  owner: number;
  slot: Slot;
  findings?: Finding[];
}

/**
 * Redacts credentials from JSON values before they are stored.
 *
 * Every string is scanned: string leaves at any depth and object keys (rarely secret, but a map
 * keyed by token would otherwise leak). Arrays and plain objects are copied; numbers, booleans,
 * null and any non-plain object (Date, Buffer, class instances — not JSON) are returned as they are.
 *
 * A batch is scanned as one text so that secretlint's per-run setup is paid once per batch, not
 * once per string; findings are mapped back to the string they fall in.
 */
export class Redactor {
  constructor(private readonly options: RedactorOptions = {}) {}

  /** Loads secretlint ahead of the first batch so that a broken install fails at startup. */
  async warmUp(): Promise<void> {
    await loadEngine();
  }

  /** Nest calls this on providers, including factory-made ones. */
  onModuleInit(): Promise<void> {
    return this.warmUp();
  }

  async redact(value: unknown): Promise<RedactionResult> {
    const [result] = await this.redactBatch([value]);
    return result!;
  }

  async redactBatch(values: readonly unknown[]): Promise<RedactionResult[]> {
    const layout = new Layout();
    const copies = values.map((value, index) => layout.copyRoot(value, index));
    const results: RedactionResult[] = copies.map((value) => ({ value, rules: [] }));
    if (layout.leaves.length === 0) return results;

    const content = layout.text();
    const engine = await loadEngine();
    const prefilter = this.options.prefilter === false ? null : prefilterFor(engine);
    const scanned = prefilter ? layout.triggered(content, prefilter) : layout.whole(content);
    const findings: Finding[] = [];
    for (const [start, end] of scanned.chunks(CHUNK_CHARS)) {
      const chunk = scanned.text.slice(start, end);
      for (const found of (await engine.scan(chunk)).concat(scanSupplementary(chunk))) {
        findings.push(scanned.toContent({ ...found, start: found.start + start, end: found.end + start }));
      }
    }
    if (findings.length === 0) return results;

    layout.attach(findings);
    const rulesByValue = values.map(() => new Set<string>());
    const renamedKeys = new Map<Record<string, unknown>, Map<string, string>>();
    for (const leaf of layout.leaves) {
      if (leaf.findings === undefined) continue;
      const { text, rules } = redactText(leaf.text, leaf.findings);
      rules.forEach((rule) => rulesByValue[leaf.owner]!.add(rule));
      const slot = leaf.slot;
      if (slot.kind === 'root') results[slot.index]!.value = text;
      else if (slot.kind === 'entry') setOwn(slot.holder, slot.key, text);
      else {
        let renames = renamedKeys.get(slot.holder);
        if (renames === undefined) renamedKeys.set(slot.holder, (renames = new Map<string, string>()));
        renames.set(slot.key, text);
      }
    }
    renamedKeys.forEach((renames, holder) => renameKeys(holder, renames));
    rulesByValue.forEach((rules, index) => (results[index]!.rules = [...rules].sort()));
    return results;
  }
}

let engine: Promise<SecretlintEngine> | undefined;

/** One engine per process: the profiler fix it applies is process-wide and its config immutable. */
function loadEngine(): Promise<SecretlintEngine> {
  if (engine === undefined) {
    const loading = SecretlintEngine.load();
    engine = loading;
    loading.catch(() => {
      if (engine === loading) engine = undefined;
    });
  }
  return engine;
}

let prefilter: { engine: SecretlintEngine; filter: Prefilter | null } | undefined;

/** The pre-filter for the engine's rules; none (scan everything) if a preset rule has no trigger. */
function prefilterFor(engine: SecretlintEngine): Prefilter | null {
  if (prefilter?.engine !== engine) {
    const known = engine.ruleIds.every((id) => PRESET_TRIGGERS[id] !== undefined);
    const triggers = [...engine.ruleIds.flatMap((id) => PRESET_TRIGGERS[id] ?? []), ...ALL_RULES.map((rule) => rule.trigger)];
    prefilter = { engine, filter: known ? new Prefilter(triggers) : null };
  }
  return prefilter.filter;
}

/**
 * The text handed to the rules: the segments picked from the batch text, in order, followed by a
 * separator, with the offsets to map findings back. Segments start at separators, so every one
 * keeps a separator on each side, as in the batch text.
 */
class ScanText {
  constructor(
    readonly text: string,
    /** Where each picked segment starts in `text`, ascending, and where it started in the batch text. */
    private readonly starts: readonly number[],
    private readonly origins: readonly number[],
  ) {}

  /** `[start, end)` pieces of about `size` each, cut only where a segment starts. */
  chunks(size: number): Array<[number, number]> {
    const chunks: Array<[number, number]> = [];
    if (this.text.length === 0) return chunks;
    let start = 0;
    for (const offset of this.starts) {
      if (offset - start >= size) {
        chunks.push([start, offset]);
        start = offset;
      }
    }
    if (this.text.length > start) chunks.push([start, this.text.length]);
    return chunks;
  }

  /** A finding with its offsets in the batch text (a finding never crosses a separator). */
  toContent(finding: Finding): Finding {
    const segment = segmentAt(this.starts, finding.start);
    const shift = this.origins[segment]! - this.starts[segment]!;
    return shift === 0 ? finding : { ...finding, start: finding.start + shift, end: finding.end + shift };
  }
}

/** Copies the input while laying its strings out, in order, as one text to scan. */
class Layout {
  readonly leaves: Leaf[] = [];
  private readonly parts: string[] = [];
  private length = 0;
  /** Offsets of every separator: the only places where the text may be cut into chunks. */
  private readonly separators: number[] = [];
  private readonly ancestors = new Set<object>();

  constructor() {
    this.separate();
  }

  copyRoot(value: unknown, index: number): unknown {
    if (typeof value === 'string') {
      this.leaf(value, index, { kind: 'root', index });
      this.separate();
      return value;
    }
    return this.copy(value, index, 0);
  }

  text(): string {
    return this.parts.join('');
  }

  /**
   * All of the text, to be cut at separators: every piece starts with a separator, so no rule
   * sees a cut string, and none starts with a string's BOM (which secretlint strips).
   */
  whole(content: string): ScanText {
    return new ScanText(content, this.separators, this.separators);
  }

  /** Only the segments (a separator and what follows up to the next one) that hold a trigger. */
  triggered(content: string, prefilter: Prefilter): ScanText {
    const picked = prefilter.segments(content, this.separators);
    if (picked.length === 0) return new ScanText('', [], []);
    const parts: string[] = [];
    const starts: number[] = [];
    const origins: number[] = [];
    let length = 0;
    for (const segment of picked) {
      const from = this.separators[segment]!;
      const to = segment + 1 < this.separators.length ? this.separators[segment + 1]! : this.length;
      starts.push(length);
      origins.push(from);
      parts.push(content.slice(from, to));
      length += to - from;
    }
    parts.push(SEPARATOR);
    return new ScanText(parts.join(''), starts, origins);
  }

  /** Hands each finding to every string it overlaps, clipped to that string. */
  attach(findings: readonly Finding[]): void {
    for (const finding of findings) {
      for (let i = this.firstLeafEndingAfter(finding.start); i < this.leaves.length; i++) {
        const leaf = this.leaves[i]!;
        if (leaf.start >= finding.end) break;
        const start = Math.max(finding.start, leaf.start) - leaf.start;
        const end = Math.min(finding.end, leaf.end) - leaf.start;
        if (end > start) (leaf.findings ??= []).push({ ...finding, start, end });
      }
    }
  }

  private firstLeafEndingAfter(offset: number): number {
    let low = 0;
    let high = this.leaves.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.leaves[mid]!.end <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private copy(value: unknown, owner: number, depth: number): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const isArray = Array.isArray(value);
    if (!isArray && !isPlainObject(value)) return value;
    if (this.ancestors.has(value)) throw new RedactionError(`value ${owner} contains a reference cycle`);
    if (depth >= MAX_DEPTH) throw new RedactionError(`value ${owner} is nested more than ${MAX_DEPTH} levels deep`);
    this.ancestors.add(value);
    const copy = isArray
      ? this.copyArray(value, owner, depth + 1)
      : this.copyObject(value as Record<string, unknown>, owner, depth + 1);
    this.ancestors.delete(value);
    return copy;
  }

  private copyArray(source: readonly unknown[], owner: number, depth: number): unknown[] {
    const copy = new Array<unknown>(source.length);
    for (let index = 0; index < source.length; index++) {
      const element = source[index];
      if (typeof element === 'string') {
        this.leaf(element, owner, { kind: 'entry', holder: copy, key: index });
        this.separate();
        copy[index] = element;
      } else {
        copy[index] = this.copy(element, owner, depth);
      }
    }
    return copy;
  }

  private copyObject(source: Record<string, unknown>, owner: number, depth: number): Record<string, unknown> {
    const copy: Record<string, unknown> = Object.getPrototypeOf(source) === null ? Object.create(null) : {};
    for (const key of Object.keys(source)) {
      this.leaf(key, owner, { kind: 'key', holder: copy, key });
      const child = source[key];
      if (typeof child === 'string') {
        this.push(KEY_VALUE_GLUE);
        this.leaf(child, owner, { kind: 'entry', holder: copy, key });
        this.separate();
        setOwn(copy, key, child);
      } else {
        this.separate();
        setOwn(copy, key, this.copy(child, owner, depth));
      }
    }
    return copy;
  }

  private leaf(text: string, owner: number, slot: Slot): void {
    const start = this.length;
    this.push(text);
    this.leaves.push({ start, end: this.length, text, owner, slot });
  }

  private separate(): void {
    this.separators.push(this.length);
    this.push(SEPARATOR);
  }

  private push(part: string): void {
    this.parts.push(part);
    this.length += part.length;
  }
}

/** Realm-independent: a plain object's prototype is some realm's Object.prototype, or null. */
function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/**
 * Plain assignment would turn a JSON `"__proto__"` key into a prototype change; defineProperty is
 * kept for that key only because it is several times slower on the hot path.
 */
function setOwn(holder: Container, key: string | number, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true });
  else (holder as Record<string | number, unknown>)[key] = value;
}

/**
 * Findings may overlap (a JWT inside a bearer header, a password inside a connection string).
 * Overlapping spans are merged so that no part of either survives, and the merged span is
 * labelled with its widest finding (ties: lowest rank).
 */
function redactText(text: string, findings: Finding[]): { text: string; rules: string[] } {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end || a.rank - b.rank);
  const pieces: string[] = [];
  const rules = new Set<string>();
  let cursor = 0;
  let index = 0;
  while (index < sorted.length) {
    let label = sorted[index]!;
    let end = label.end;
    const start = label.start;
    for (index++; index < sorted.length && sorted[index]!.start < end; index++) {
      const next = sorted[index]!;
      end = Math.max(end, next.end);
      const widthDifference = next.end - next.start - (label.end - label.start);
      if (widthDifference > 0 || (widthDifference === 0 && next.rank < label.rank)) label = next;
    }
    pieces.push(text.slice(cursor, start), `[REDACTED:${label.rule}]`);
    rules.add(label.rule);
    cursor = end;
  }
  pieces.push(text.slice(cursor));
  return { text: pieces.join(''), rules: [...rules] };
}

/**
 * Rewrites the copy's keys in their original order. A redacted key can collide with another key
 * (two tokens used as keys both become `[REDACTED:github-token]`); the later one gets `#2`, `#3`…
 * rather than silently overwriting a sibling's value.
 */
function renameKeys(holder: Record<string, unknown>, renames: ReadonlyMap<string, string>): void {
  const entries = Object.keys(holder).map((key) => [key, holder[key]] as const);
  for (const [key] of entries) delete holder[key];
  const taken = new Set(entries.filter(([key]) => !renames.has(key)).map(([key]) => key));
  for (const [key, value] of entries) {
    let name = key;
    const renamed = renames.get(key);
    if (renamed !== undefined) {
      name = renamed;
      for (let n = 2; taken.has(name); n++) name = `${renamed}#${n}`;
      taken.add(name);
    }
    setOwn(holder, name, value);
  }
}
