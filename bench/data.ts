import type { JsonRecord, Principal, RunEventType, SessionKind, SessionStatus } from '@ledger/domain';
import { DEFAULT_IDLE_TIMEOUT_SECONDS, sessionIdFromSource } from '@ledger/domain';

/**
 * Realistic, reproducible bench data: a seeded PRNG, a catalog (organizations, accounts, flows,
 * models, principals), and session plans of every kind whose run events carry payloads of
 * 200-2000 bytes, model usage across models and flows, and fake credentials in about 2 % of the
 * text-bearing events (each with its redacted twin, as the write side would store it).
 *
 * A plan is transport-neutral: the fill turns it into domain commands and decides them, the
 * ingest scenario turns it into GraphQL inputs.
 */

// ---------------------------------------------------------------- PRNG

/** sfc32 seeded through splitmix32: fast, 128-bit state, good enough for data generation. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i += 1) this.uint32();
  }

  /** A new generator whose sequence depends on this one's seed and a label, not on call order. */
  fork(label: string): Prng {
    let h = 2166136261 ^ this.a;
    for (let i = 0; i < label.length; i += 1) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
    return new Prng((h ^ this.d) >>> 0);
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** [0, 1) */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Inclusive range. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of entries) total += weight;
    let r = this.next() * total;
    for (const [value, weight] of entries) {
      r -= weight;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  /** Zipf-like: index 0 most frequent. */
  skewed<T>(items: readonly T[], exponent = 1.1): T {
    const u = this.next();
    const index = Math.min(items.length - 1, Math.floor(items.length * Math.pow(u, 1 + exponent)));
    return items[index]!;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.uint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64URL = `${ALNUM}_-`;

// ---------------------------------------------------------------- text corpora

const WORDS = (
  'the a of to and in is for on that with as this by it be are from at or an was can will not all more one has ' +
  'agent session run tool call result file edit command step checkpoint model usage token cost latency retry error ' +
  'deploy build test lint migrate schema query index cache queue worker sandbox branch commit merge review patch ' +
  'function module service handler request response payload config environment variable secret key rotate ' +
  'customer invoice report dashboard metric alert incident timeline summary plan task subtask approve reject ' +
  'database table column row migration backup restore replica shard cluster node pod container image registry ' +
  'user assistant system message context window prompt completion reasoning output input stream batch event ' +
  'please could you check why failing because timeout exceeded after seconds found fixed updated added removed ' +
  'first then next finally also however therefore which where when while before after during between across'
).split(' ');

const CODE_LINES = [
  'import { Injectable } from "@nestjs/common";',
  'export async function handle(event: RecordedEvent): Promise<void> {',
  '  const result = await this.repository.load(sessionId);',
  '  if (!result.ok) throw new ConflictError(`revision ${expected} != ${current}`);',
  '  for (const item of items) total += item.quantity * item.price;',
  '  return { ...state, status: "RUNNING", updatedAt: now.toISOString() };',
  '}',
  'def migrate(conn, version):',
  '    cursor = conn.execute("SELECT max(version) FROM schema_migrations")',
  '    for step in STEPS[version:]:',
  '        step.apply(conn)',
  '$ npm test -- --runInBand',
  'PASS  libs/domain/src/session/session.decider.unit.spec.ts (3.412 s)',
  'FAIL  apps/api/test/ingest.e2e.spec.ts',
  '  ● appendRunEvents › stores a retried batch once',
  'Tests:       1 failed, 212 passed, 213 total',
  '$ git diff --stat HEAD~1',
  ' apps/api/src/write/session-repository.ts | 14 ++++++++------',
  ' 2 files changed, 9 insertions(+), 6 deletions(-)',
  'kubectl rollout status deployment/ledger-api -n prod',
  'deployment "ledger-api" successfully rolled out',
  'SELECT id, status, last_activity_at FROM sessions WHERE org_id = $1 ORDER BY last_activity_at DESC LIMIT 50;',
  '  "version": "2.14.1",',
  '  "dependencies": { "express": "^5.1.0", "zod": "^3.23.8" },',
  'WARN  deprecated request@2.88.2: request has been deprecated',
  'Compiled successfully in 4.21s (312 modules)',
  'error TS2345: Argument of type "string | undefined" is not assignable to parameter of type "string".',
  '    at Object.<anonymous> (/srv/app/dist/main.js:41:17)',
  'curl -sS -X POST https://api.internal/v1/jobs -H "content-type: application/json" -d @job.json',
  '{"id":"job_8f2c","state":"queued","position":3}',
];

/** One big string to slice payload text from: realistic sizes at almost no cost per event. */
function buildCorpus(prng: Prng, length: number, kind: 'prose' | 'code'): string {
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    let piece: string;
    if (kind === 'prose') {
      const words: string[] = [];
      const n = prng.int(6, 18);
      for (let i = 0; i < n; i += 1) words.push(prng.pick(WORDS));
      piece = `${words.join(' ')}${prng.pick(['. ', '. ', ', ', '? ', '.\n'])}`;
      piece = piece[0]!.toUpperCase() + piece.slice(1);
    } else {
      piece = `${prng.pick(CODE_LINES)}\n`;
    }
    parts.push(piece);
    size += piece.length;
  }
  return parts.join('');
}

// ---------------------------------------------------------------- catalog

export interface ModelInfo {
  name: string;
  /** Share of requests. */
  weight: number;
  /** USD per million tokens, for reporters that send costUsd. */
  inputPerMTok: number;
  outputPerMTok: number;
  /** Whether reporters of this model send costUsd (else it is priced by the table or unpriced). */
  reportsCost: number;
}

export const MODELS: readonly ModelInfo[] = [
  { name: 'claude-sonnet-4-5', weight: 30, inputPerMTok: 3, outputPerMTok: 15, reportsCost: 0.7 },
  { name: 'claude-opus-4-1', weight: 8, inputPerMTok: 15, outputPerMTok: 75, reportsCost: 0.7 },
  { name: 'claude-haiku-4-5', weight: 12, inputPerMTok: 1, outputPerMTok: 5, reportsCost: 0.7 },
  { name: 'gpt-4.1', weight: 15, inputPerMTok: 2, outputPerMTok: 8, reportsCost: 0.5 },
  { name: 'gpt-4o-mini', weight: 15, inputPerMTok: 0.15, outputPerMTok: 0.6, reportsCost: 0.5 },
  { name: 'gemini-2.5-pro', weight: 12, inputPerMTok: 1.25, outputPerMTok: 10, reportsCost: 0.3 },
  { name: 'llama-3.3-70b', weight: 8, inputPerMTok: 0.6, outputPerMTok: 0.6, reportsCost: 0 },
];

const TOOLS = ['search', 'read_file', 'write_file', 'run_tests', 'bash', 'http_get', 'sql_query', 'open_pr', 'list_dir', 'grep'];
const TAGS = ['prod', 'staging', 'urgent', 'billing', 'infra', 'frontend', 'backend', 'data', 'security', 'onboarding', 'nightly', 'customer'];
const TEAMS = ['core', 'edge', 'platform', 'growth', 'data', 'support'];

export interface Catalog {
  corpus: { prose: string; code: string };
  accounts: string[];
  flows: string[];
  users: Principal[];
  agents: Principal[];
  services: Principal[];
  repos: string[];
  operators: Principal[];
}

export function makeCatalog(prng: Prng): Catalog {
  const p = prng.fork('catalog');
  return {
    corpus: { prose: buildCorpus(p, 512 * 1024, 'prose'), code: buildCorpus(p, 256 * 1024, 'code') },
    accounts: Array.from({ length: 20 }, (_, i) => `acct-${String(i).padStart(3, '0')}`),
    flows: Array.from({ length: 30 }, (_, i) => `flow-${['deploy', 'triage', 'refund', 'onboard', 'report', 'migrate'][i % 6]}-${i}`),
    users: Array.from({ length: 300 }, (_, i) => ({ type: 'USER', id: `user-${i}`, name: `User ${i}` })),
    agents: Array.from({ length: 200 }, (_, i) => ({ type: 'MANAGED_AGENT', id: `agent-${p.hex(12)}`, name: `Runtime ${i}` })),
    services: ['ci-bot', 'scheduler', 'support-bot', 'etl-runner', 'review-bot'].map((id) => ({ type: 'SERVICE', id, name: id })),
    repos: Array.from({ length: 40 }, (_, i) => `github.com/acme/${['api', 'web', 'infra', 'data', 'mobile'][i % 5]}-${i}`),
    operators: Array.from({ length: 5 }, (_, i) => ({ type: 'USER', id: `operator-${i}`, name: `Operator ${i}` })),
  };
}

// ---------------------------------------------------------------- credentials

export interface Credential {
  /** The redactor's rule name, as it would land in metadata.redactions. */
  rule: string;
  text: string;
}

/** Fake credentials in the shapes secretlint's recommended rules detect (generated, never real). */
export function fakeCredential(prng: Prng): Credential {
  switch (prng.int(0, 5)) {
    case 0:
      return { rule: 'github', text: `ghp_${prng.chars(ALNUM, 36)}` };
    case 1:
      return { rule: 'anthropic', text: `sk-ant-api03-${prng.chars(BASE64URL, 93)}AA` };
    case 2:
      return { rule: 'aws', text: `AKIA${prng.chars(UPPER_DIGITS, 16)}` };
    case 3:
      return { rule: 'openai', text: `sk-proj-${prng.chars(BASE64URL, 74)}T3BlbkFJ${prng.chars(BASE64URL, 74)}` };
    case 4:
      return { rule: 'slack', text: `xoxb-${prng.int(100000000, 999999999)}-${prng.int(100000000, 999999999)}-${prng.chars(ALNUM, 24)}` };
    default:
      return { rule: 'database-connection-string', text: `postgres://app:${prng.chars(ALNUM, 20)}@db.internal:5432/ledger` };
  }
}

// ---------------------------------------------------------------- run events

export interface RunEventDraft {
  type: RunEventType;
  /** Epoch ms at the source. */
  at: number;
  /** As the client sends it (may hold a credential). */
  data: JsonRecord;
  /** As the write side stores it: credentials replaced by [REDACTED:<rule>]. Same object when clean. */
  redacted: JsonRecord;
  /** Redaction rules that fired. */
  rules: string[];
}

export const CREDENTIAL_SHARE = 0.02;

/** Builds run-event payloads for one session; keeps the state that makes them coherent. */
export class RunEventFactory {
  private stepIndex = 0;
  private toolCounter = 0;

  constructor(
    private readonly prng: Prng,
    private readonly catalog: Catalog,
    private readonly model: string,
  ) {}

  get steps(): number {
    return this.stepIndex;
  }

  prose(min: number, max: number): string {
    const corpus = this.catalog.corpus.prose;
    const length = this.prng.int(min, max);
    const start = this.prng.int(0, corpus.length - length - 1);
    return corpus.slice(start, start + length);
  }

  code(min: number, max: number): string {
    const corpus = this.catalog.corpus.code;
    const length = this.prng.int(min, max);
    const start = this.prng.int(0, corpus.length - length - 1);
    return corpus.slice(start, start + length);
  }

  /** Text with, in CREDENTIAL_SHARE of the calls, a credential pasted in; returns both forms. */
  private secretive(text: string, rules: string[]): [string, string] {
    if (!this.prng.chance(CREDENTIAL_SHARE)) return [text, text];
    const credential = fakeCredential(this.prng);
    const cut = this.prng.int(0, text.length);
    const lead = this.prng.pick(['token: ', 'export API_KEY=', 'key=', 'Authorization: Bearer ', 'using ', '']);
    const before = `${text.slice(0, cut)} ${lead}`;
    const after = ` ${text.slice(cut)}`;
    rules.push(credential.rule);
    return [`${before}${credential.text}${after}`, `${before}[REDACTED:${credential.rule}]${after}`];
  }

  private draft(type: RunEventType, at: number, build: (rules: string[]) => [JsonRecord, JsonRecord]): RunEventDraft {
    const rules: string[] = [];
    const [data, redacted] = build(rules);
    return { type, at, data, redacted: rules.length ? redacted : data, rules };
  }

  message(role: 'user' | 'assistant', at: number): RunEventDraft {
    return this.draft('MESSAGE', at, (rules) => {
      const [raw, clean] = this.secretive(role === 'user' ? this.prose(60, 700) : this.prose(200, 1800), rules);
      return [
        { role, text: raw },
        { role, text: clean },
      ];
    });
  }

  reasoning(at: number): RunEventDraft {
    const text = this.prose(150, 900);
    return { type: 'REASONING_SUMMARY', at, data: { text }, redacted: { text }, rules: [] };
  }

  outputDelta(at: number): RunEventDraft {
    const text = this.prose(120, 500);
    return { type: 'OUTPUT_DELTA', at, data: { text, index: this.prng.int(0, 40) }, redacted: { text, index: 0 }, rules: [] };
  }

  /** A TOOL_CALL and its TOOL_RESULT, sharing a toolCallId. */
  toolCall(at: number, gapMs: number): [RunEventDraft, RunEventDraft] {
    this.toolCounter += 1;
    const toolCallId = `toolu_${this.prng.hex(24)}`;
    const name = this.prng.pick(TOOLS);
    const args: JsonRecord = {
      query: this.prose(30, 200),
      path: `src/${this.prng.pick(['api', 'domain', 'web', 'jobs'])}/${this.prng.hex(6)}.ts`,
      options: { limit: this.prng.int(5, 100), recursive: this.prng.chance(0.5), timeoutMs: this.prng.pick([5000, 10000, 30000]) },
    };
    const call: RunEventDraft = { type: 'TOOL_CALL', at, data: { toolCallId, name, arguments: args }, redacted: { toolCallId, name, arguments: args }, rules: [] };
    const result = this.draft('TOOL_RESULT', at + gapMs, (rules) => {
      const failed = this.prng.chance(0.05);
      const [raw, clean] = this.secretive(failed ? this.prose(60, 300) : this.code(200, 1600), rules);
      const base = { toolCallId, status: failed ? 'failed' : 'succeeded', durationMs: gapMs };
      return [
        { ...base, output: { content: raw, truncated: raw.length > 1500 } },
        { ...base, output: { content: clean, truncated: clean.length > 1500 } },
      ];
    });
    return [call, result];
  }

  fileEdit(at: number): RunEventDraft {
    return this.draft('FILE_EDIT', at, (rules) => {
      const path = `${this.prng.pick(['src', 'apps/api/src', 'libs/domain/src', 'web/components'])}/${this.prng.hex(8)}.ts`;
      const before = this.code(100, 700);
      const [raw, clean] = this.secretive(this.code(100, 800), rules);
      return [
        { path, before, after: raw },
        { path, before, after: clean },
      ];
    });
  }

  command(at: number): RunEventDraft {
    return this.draft('COMMAND', at, (rules) => {
      const command = this.prng.pick(['npm test', 'git status', 'ls -la', 'make build', 'pytest -q', 'kubectl get pods', 'cargo check', 'docker compose up -d']);
      const exitCode = this.prng.chance(0.1) ? 1 : 0;
      const [raw, clean] = this.secretive(this.code(80, 1200), rules);
      const base = { command, language: 'bash', exitCode, durationMs: this.prng.int(20, 60_000) };
      return [
        { ...base, stdout: raw, stderr: exitCode ? this.code(40, 200) : '' },
        { ...base, stdout: clean, stderr: exitCode ? '(see stdout)' : '' },
      ];
    });
  }

  step(at: number, total: number | null): RunEventDraft {
    this.stepIndex += 1;
    const data: JsonRecord = { index: this.stepIndex, name: `${this.prng.pick(['fetch', 'validate', 'transform', 'approve', 'publish', 'notify'])} ${this.prose(10, 60)}` };
    if (total !== null) data.total = total;
    return { type: 'STEP', at, data, redacted: data, rules: [] };
  }

  checkpoint(at: number): RunEventDraft {
    const data = { name: this.prng.pick(['approve-deploy', 'approve-refund', 'review-changes']), reason: this.prose(60, 300) };
    return { type: 'CHECKPOINT', at, data, redacted: data, rules: [] };
  }

  modelUsage(at: number, model = this.model): RunEventDraft {
    const info = MODELS.find((m) => m.name === model) ?? MODELS[0]!;
    const inputTokens = this.prng.int(200, 60_000);
    const outputTokens = this.prng.int(20, 4_000);
    const cacheReadTokens = this.prng.chance(0.6) ? this.prng.int(0, inputTokens * 2) : 0;
    const data: JsonRecord = {
      model,
      inputTokens,
      outputTokens,
      cacheReadTokens,
      latencyMs: this.prng.int(150, 30_000),
      requestId: `req_${this.prng.hex(24)}`,
    };
    if (this.prng.chance(0.3)) data.cacheWriteTokens = this.prng.int(0, 8_000);
    if (model.startsWith('claude') || model.startsWith('gpt')) data.reasoningTokens = this.prng.int(0, outputTokens);
    if (this.prng.chance(info.reportsCost)) {
      data.costUsd = Math.round(((inputTokens * info.inputPerMTok + outputTokens * info.outputPerMTok) / 1_000_000) * 1e6) / 1e6;
    }
    return { type: 'MODEL_USAGE', at, data, redacted: data, rules: [] };
  }

  log(at: number): RunEventDraft {
    return this.draft('LOG', at, (rules) => {
      const level = this.prng.weighted([
        ['info', 6],
        ['debug', 3],
        ['warn', 1],
      ] as const);
      const [raw, clean] = this.secretive(this.prose(80, 500), rules);
      return [
        { level, message: raw },
        { level, message: clean },
      ];
    });
  }

  error(at: number): RunEventDraft {
    const data = { code: this.prng.pick(['E_TIMEOUT', 'E_RATE_LIMIT', 'E_TOOL', 'E_SANDBOX']), message: this.prose(60, 400) };
    return { type: 'ERROR', at, data, redacted: data, rules: [] };
  }

  status(at: number, status: SessionStatus): RunEventDraft {
    const data = { status };
    return { type: 'STATUS', at, data, redacted: data, rules: [] };
  }
}

/** Milliseconds between two events of one run. */
function eventGap(prng: Prng): number {
  return prng.int(150, 8_000);
}

/**
 * One turn (one run's worth) of run events for a session kind, at most `limit` of them. Times
 * are offsets from `at`; returns the drafts and the time after the last one.
 */
export function turnEvents(kind: SessionKind, factory: RunEventFactory, prng: Prng, at: number, limit: number, totalSteps: number | null): RunEventDraft[] {
  const out: RunEventDraft[] = [];
  let t = at;
  const push = (draft: RunEventDraft) => {
    if (out.length < limit) out.push(draft);
  };
  const tick = () => (t += eventGap(prng));
  const tools = (max: number) => {
    const n = prng.int(0, max);
    for (let i = 0; i < n && out.length < limit; i += 1) {
      const gap = prng.int(200, 20_000);
      const [call, result] = factory.toolCall(tick(), gap);
      push(call);
      push(result);
      t += gap;
    }
  };
  switch (kind) {
    case 'CHAT': {
      push(factory.message('user', tick()));
      if (prng.chance(0.5)) push(factory.reasoning(tick()));
      tools(2);
      for (let i = prng.int(0, 3); i > 0; i -= 1) push(factory.outputDelta(tick()));
      push(factory.modelUsage(tick()));
      push(factory.message('assistant', tick()));
      break;
    }
    case 'FLOW_RUN': {
      push(factory.step(tick(), totalSteps));
      if (prng.chance(0.4)) push(factory.log(tick()));
      tools(1);
      if (prng.chance(0.6)) push(factory.modelUsage(tick()));
      if (prng.chance(0.3)) push(factory.outputDelta(tick()));
      break;
    }
    case 'BACKGROUND_TASK': {
      push(factory.reasoning(tick()));
      tools(3);
      if (prng.chance(0.5)) push(factory.fileEdit(tick()));
      if (prng.chance(0.5)) push(factory.command(tick()));
      push(factory.modelUsage(tick()));
      if (prng.chance(0.4)) push(factory.outputDelta(tick()));
      if (prng.chance(0.2)) push(factory.log(tick()));
      break;
    }
    case 'RUNTIME': {
      push(factory.command(tick()));
      if (prng.chance(0.5)) push(factory.command(tick()));
      if (prng.chance(0.4)) push(factory.fileEdit(tick()));
      if (prng.chance(0.3)) push(factory.log(tick()));
      if (prng.chance(0.7)) push(factory.modelUsage(tick()));
      if (prng.chance(0.2)) push(factory.message('assistant', tick()));
      break;
    }
    default: {
      const _never: never = kind;
      return _never;
    }
  }
  if (out.length < limit && prng.chance(0.01)) push(factory.error(tick()));
  return out;
}

// ---------------------------------------------------------------- session plans

export interface StartFields {
  kind: SessionKind;
  accountId: string;
  title: string;
  tags: string[];
  owner: Principal;
  source: { type: string; id: string; reference?: string } | null;
  initiative: string | null;
  flowId: string | null;
  model: string | null;
  parentSessionId: string | null;
  subagent: { name: string; task: string } | null;
  environment: { sandbox?: string; runtime?: string; repo?: string; branch?: string; surface?: 'WEB' | 'IDE' | 'CLI' | 'SCHEDULED' | 'API' } | null;
  totalSteps: number | null;
  idleTimeoutSeconds: number | null;
  metadata: JsonRecord;
}

export type SessionStep =
  | { kind: 'startRun'; at: number; runId: string; model: string | null; input: JsonRecord | null }
  | { kind: 'append'; at: number; runId: string | null; events: RunEventDraft[] }
  | { kind: 'finishRun'; at: number; runId: string; status: 'COMPLETED' | 'FAILED' | 'CANCELLED'; output: string | null; error: { code: string; message: string } | null }
  | { kind: 'resolveCheckpoint'; at: number; runId: string; decision: 'APPROVE' | 'REJECT'; comment: string; by: Principal }
  | { kind: 'end'; at: number; status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'ENDED'; reason: string | null; by: Principal | null }
  | { kind: 'timeout'; at: number };

export interface SessionPlan {
  sessionId: string;
  organizationId: string;
  at: number;
  start: StartFields;
  steps: SessionStep[];
  runEvents: number;
  /** Still going at the dataset's "now": no end, the last run unfinished. */
  open: boolean;
}

export interface DatasetOptions {
  seed: number;
  sessions: number;
  runEvents: number;
  /** The dataset ends here (epoch ms); every instant is before it. */
  now: number;
  spanDays: number;
  organization: string;
  /** A second organization holding `otherShare` of the sessions, so scoping is exercised. */
  otherOrganization: string;
  otherShare: number;
}

const KINDS: readonly (readonly [SessionKind, number])[] = [
  ['CHAT', 35],
  ['FLOW_RUN', 20],
  ['BACKGROUND_TASK', 25],
  ['RUNTIME', 20],
];
const KIND_LENGTH: Record<SessionKind, number> = { CHAT: 0.8, FLOW_RUN: 0.9, BACKGROUND_TASK: 1.4, RUNTIME: 1.2 };

function pickModel(prng: Prng): string {
  return prng.weighted(MODELS.map((m) => [m.name, m.weight] as const));
}

/** A factor with mean ~1 and a heavy tail: most sessions are short, a few are long. */
function lengthFactor(prng: Prng): number {
  const r = prng.next();
  const f = r < 0.7 ? 0.2 + prng.next() : r < 0.95 ? 1 + 2 * prng.next() : 3 + 7 * prng.next();
  return f / 1.315;
}

/** Splits a run's events into the batches a client would flush (1-25 events, mean ~7). */
function flushes(events: RunEventDraft[], prng: Prng, runId: string | null, steps: SessionStep[]): void {
  let i = 0;
  while (i < events.length) {
    const size = Math.min(events.length - i, prng.chance(0.3) ? 1 : prng.int(2, 25));
    const batch = events.slice(i, i + size);
    steps.push({ kind: 'append', at: batch[batch.length - 1]!.at, runId, events: batch });
    i += size;
  }
}

/** Scales every instant of a plan so its last step lands at `end`; returns that instant. */
function retime(plan: SessionPlan, end: number): number {
  const last = plan.steps.length ? plan.steps[plan.steps.length - 1]!.at : plan.at;
  const span = Math.max(1, last - plan.at);
  const room = Math.max(1, end - plan.at);
  const scale = (t: number) => Math.floor(plan.at + ((t - plan.at) * room) / span);
  for (const step of plan.steps) {
    step.at = scale(step.at);
    if (step.kind === 'append') for (const event of step.events) event.at = scale(event.at);
  }
  return plan.steps.length ? plan.steps[plan.steps.length - 1]!.at : plan.at;
}

/** Shifts every instant of a plan so its last one lands before `limit` (a session still going). */
function compress(plan: SessionPlan, limit: number): void {
  const last = plan.steps.length ? plan.steps[plan.steps.length - 1]!.at : plan.at;
  if (last < limit) return;
  retime(plan, limit);
}


export class SessionPlanner {
  private readonly recentByOrg = new Map<string, string[]>();
  private produced = 0;
  private index = 0;

  constructor(
    private readonly prng: Prng,
    private readonly catalog: Catalog,
    private readonly options: DatasetOptions,
  ) {}

  /** Every session, in start order; the run-event total is exactly `options.runEvents`. */
  *plans(): Generator<SessionPlan> {
    const { sessions, runEvents, now, spanDays } = this.options;
    const spanMs = spanDays * 86_400_000;
    const spacing = spanMs / sessions;
    for (let i = 0; i < sessions; i += 1) {
      this.index = i;
      const sessionsLeft = sessions - i;
      const left = runEvents - this.produced;
      const at = Math.floor(now - spanMs + i * spacing + this.prng.next() * spacing * 0.9);
      const kind = this.prng.weighted(KINDS);
      const mean = left / sessionsLeft;
      const wanted = i === sessions - 1 ? left : Math.round(mean * lengthFactor(this.prng) * KIND_LENGTH[kind]);
      const count = Math.max(Math.min(1, left), Math.min(wanted, left - (sessionsLeft - 1)));
      const plan = this.plan(kind, at, count, now - 1_000);
      this.produced += plan.runEvents;
      yield plan;
    }
  }

  private organizationFor(): string {
    return this.prng.chance(this.options.otherShare) ? this.options.otherOrganization : this.options.organization;
  }

  startFields(kind: SessionKind, organizationId: string, at: number): { sessionId: string; start: StartFields } {
    const p = this.prng;
    const c = this.catalog;
    const model = pickModel(p);
    const prose = (min: number, max: number) => {
      const length = p.int(min, max);
      const start = p.int(0, c.corpus.prose.length - length - 1);
      return c.corpus.prose.slice(start, start + length).trim();
    };
    const recent = this.recentByOrg.get(organizationId) ?? [];
    const subagentOf = kind === 'BACKGROUND_TASK' && recent.length > 0 && p.chance(0.15) ? p.pick(recent) : null;
    let owner: Principal;
    let source: StartFields['source'] = null;
    let flowId: string | null = null;
    let environment: StartFields['environment'] = null;
    switch (kind) {
      case 'CHAT':
        owner = p.skewed(c.users);
        if (p.chance(0.4)) source = { type: 'chat-ui', id: `conv-${p.hex(20)}`, reference: `https://chat.example.com/c/${p.hex(12)}` };
        break;
      case 'FLOW_RUN':
        flowId = p.skewed(c.flows);
        owner = { type: 'FLOW', id: flowId, name: flowId };
        source = { type: 'flow', id: `${flowId}/run-${p.hex(16)}` };
        break;
      case 'BACKGROUND_TASK':
        owner = p.pick(c.services);
        environment = { sandbox: `sbx-${p.hex(8)}`, repo: p.pick(c.repos), branch: `task/${p.hex(6)}`, surface: 'SCHEDULED' };
        break;
      case 'RUNTIME':
        owner = p.skewed(c.agents, 0.6);
        environment = { runtime: p.pick(['openclaw 1.4.2', 'claude-code 2.0.1', 'codex-cli 0.41']), repo: p.pick(c.repos), branch: 'main', surface: p.pick(['IDE', 'CLI'] as const) };
        if (p.chance(0.5)) source = { type: 'openclaw', id: `win-${p.hex(20)}` };
        break;
      default: {
        const _never: never = kind;
        return _never;
      }
    }
    const sessionId = source ? sessionIdFromSource(organizationId, source.type, source.id) : `session_${p.hex(32)}`;
    recent.push(sessionId);
    if (recent.length > 64) recent.shift();
    this.recentByOrg.set(organizationId, recent);
    const tags = Array.from({ length: p.int(0, 3) }, () => p.pick(TAGS)).filter((tag, i, all) => all.indexOf(tag) === i);
    return {
      sessionId,
      start: {
        kind,
        accountId: p.skewed(c.accounts),
        title: prose(20, 90),
        tags,
        owner,
        source,
        initiative: p.chance(0.2) ? `INIT-${p.int(100, 180)}` : null,
        flowId,
        model,
        parentSessionId: subagentOf,
        subagent: subagentOf ? { name: p.pick(['researcher', 'tester', 'reviewer', 'fixer']), task: prose(40, 200) } : null,
        environment,
        totalSteps: null,
        idleTimeoutSeconds: kind === 'RUNTIME' ? p.pick([900, 1800, 1800, 3600]) : null,
        metadata: { team: p.pick(TEAMS), priority: p.pick(['low', 'normal', 'normal', 'high']), ticket: `TCK-${p.int(1000, 99999)}` },
      },
    };
  }

  /** A session still going ends its last batch waiting: at a checkpoint, on input, or blocked. */
  private needsAttention(plan: SessionPlan, factory: RunEventFactory): void {
    for (let i = plan.steps.length - 1; i >= 0; i -= 1) {
      const step = plan.steps[i]!;
      if (step.kind !== 'append') continue;
      const last = step.events[step.events.length - 1]!;
      switch (plan.start.kind) {
        case 'FLOW_RUN':
          if (step.runId !== null) step.events[step.events.length - 1] = factory.checkpoint(last.at);
          return;
        case 'BACKGROUND_TASK':
          step.events[step.events.length - 1] = factory.status(last.at, 'WAITING');
          return;
        case 'RUNTIME':
          step.events[step.events.length - 1] = factory.status(last.at, 'BLOCKED');
          return;
        case 'CHAT':
          return;
        default: {
          const _never: never = plan.start.kind;
          return _never;
        }
      }
    }
  }

  private plan(kind: SessionKind, at: number, count: number, limit: number): SessionPlan {
    const p = this.prng;
    const organizationId = this.organizationFor();
    const { sessionId, start } = this.startFields(kind, organizationId, at);
    const factory = new RunEventFactory(p, this.catalog, start.model ?? MODELS[0]!.name);
    const steps: SessionStep[] = [];
    let t = at + p.int(100, 3_000);
    const flowCheckpoint = kind === 'FLOW_RUN' && p.chance(0.08) ? p.weighted([['APPROVE', 85], ['REJECT', 15]] as const) : null;
    // A gateway reports some usage at session level: one of the session's run events.
    const gateway = count >= 2 && flowCheckpoint !== 'REJECT' && p.chance(0.03);
    let remaining = count - (gateway ? 1 : 0);
    let lastRun: string | null = null;
    let lastRunStatus: 'COMPLETED' | 'FAILED' | 'CANCELLED' = 'COMPLETED';
    let rejected = false;

    while (remaining > 0) {
      const runId = `run_${p.hex(32)}`;
      steps.push({ kind: 'startRun', at: t, runId, model: p.chance(0.8) ? start.model : pickModel(p), input: p.chance(0.5) ? { prompt: factory.prose(40, 300) } : null });
      const events: RunEventDraft[] = [];
      // A flow is one run of all its steps; the other kinds make one run per turn.
      do {
        const turn = turnEvents(kind, factory, p, t, remaining - events.length, null);
        events.push(...turn);
        t = (turn.length ? turn[turn.length - 1]!.at : t) + p.int(200, 5_000);
      } while (kind === 'FLOW_RUN' && events.length < remaining);
      remaining -= events.length;
      if (flowCheckpoint && events.length > 0) {
        // A rejected checkpoint ends the session, so it comes last; an approved one mid-run.
        const index = flowCheckpoint === 'REJECT' ? events.length - 1 : Math.floor(events.length / 2);
        const replaced = events[index]!;
        events[index] = factory.checkpoint(replaced.at);
        if (flowCheckpoint === 'APPROVE') {
          flushes(events.slice(0, index + 1), p, runId, steps);
          const approvedAt = replaced.at + p.int(30_000, 1_800_000);
          steps.push({ kind: 'resolveCheckpoint', at: approvedAt, runId, decision: 'APPROVE', comment: 'looks good', by: p.pick(this.catalog.operators) });
          const shift = approvedAt - replaced.at;
          const rest = events.slice(index + 1).map((e) => ({ ...e, at: e.at + shift }));
          flushes(rest, p, runId, steps);
          t += shift;
        } else {
          flushes(events, p, runId, steps);
          steps.push({ kind: 'resolveCheckpoint', at: t + p.int(30_000, 600_000), runId, decision: 'REJECT', comment: 'not this time', by: p.pick(this.catalog.operators) });
          rejected = true;
        }
      } else {
        flushes(events, p, runId, steps);
      }
      lastRun = runId;
      if (rejected) break;
      if (remaining > 0 || kind !== 'FLOW_RUN') {
        // Turns of chats, tasks and runtimes finish before the next starts.
        lastRunStatus = p.weighted([['COMPLETED', 88], ['FAILED', 9], ['CANCELLED', 3]] as const);
        if (remaining > 0) {
          const failed = p.chance(0.05);
          steps.push({
            kind: 'finishRun',
            at: t,
            runId,
            status: failed ? 'FAILED' : 'COMPLETED',
            output: failed ? null : factory.prose(40, 200),
            error: failed ? { code: 'E_TURN', message: factory.prose(30, 200) } : null,
          });
          lastRun = null;
          t += kind === 'CHAT' ? p.int(10_000, 300_000) : p.int(2_000, 60_000);
        }
      }
    }
    if (kind === 'FLOW_RUN') lastRunStatus = p.weighted([['COMPLETED', 88], ['FAILED', 9], ['CANCELLED', 3]] as const);
    if (kind === 'FLOW_RUN') start.totalSteps = Math.max(1, factory.steps);
    if (gateway) {
      steps.push({ kind: 'append', at: t, runId: null, events: [factory.modelUsage(t, pickModel(p))] });
      t += p.int(100, 2_000);
    }
    const plan: SessionPlan = { sessionId, organizationId, at, start, steps, runEvents: count, open: false };
    // Some flows and tasks run for hours (they stay active while RUNNING, whatever the clock says).
    if ((kind === 'FLOW_RUN' || kind === 'BACKGROUND_TASK') && p.chance(0.04)) t = retime(plan, at + p.int(3_600_000, 48 * 3_600_000));
    const naturalEnd = t + p.int(1_000, 60_000);
    if (naturalEnd >= limit) {
      plan.open = true;
      compress(plan, limit);
      if (!rejected && p.chance(0.3)) this.needsAttention(plan, factory);
      return plan;
    }
    if (rejected) return plan;
    if (lastRun) {
      steps.push({
        kind: 'finishRun',
        at: t,
        runId: lastRun,
        status: lastRunStatus,
        output: lastRunStatus === 'COMPLETED' ? factory.prose(40, 200) : null,
        error: lastRunStatus === 'FAILED' ? { code: 'E_RUN', message: factory.prose(30, 200) } : null,
      });
    }
    const endAt = naturalEnd;
    switch (kind) {
      case 'CHAT':
        if (p.chance(0.4)) steps.push({ kind: 'end', at: endAt, status: 'ENDED', reason: 'closed by user', by: null });
        break;
      case 'FLOW_RUN':
      case 'BACKGROUND_TASK':
        steps.push({
          kind: 'end',
          at: endAt,
          status: lastRunStatus === 'COMPLETED' ? 'COMPLETED' : lastRunStatus,
          reason: lastRunStatus === 'COMPLETED' ? null : 'run did not complete',
          by: p.chance(0.05) ? p.pick(this.catalog.operators) : null,
        });
        break;
      case 'RUNTIME': {
        const deadline = t + (start.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS) * 1000;
        if (p.chance(0.5)) steps.push({ kind: 'end', at: endAt, status: 'ENDED', reason: 'runtime closed', by: null });
        else if (deadline < limit) steps.push({ kind: 'timeout', at: deadline + p.int(0, 60_000) });
        else plan.open = true;
        break;
      }
      default: {
        const _never: never = kind;
        return _never;
      }
    }
    return plan;
  }
}

/**
 * The ingest workload: sessions that each receive `batches` appends of exactly `batchSize` run
 * events in one run (a busy agent flushing), for the store and API write scenarios.
 */
export interface BatchSession {
  sessionId: string;
  organizationId: string;
  at: number;
  start: StartFields;
  runId: string;
  batches: RunEventDraft[][];
}

export function batchSessions(prng: Prng, catalog: Catalog, options: { sessions: number; batches: number; batchSize: number; organization: string; now: number }): BatchSession[] {
  const planner = new SessionPlanner(prng, catalog, {
    seed: 0,
    sessions: 1,
    runEvents: 1,
    now: options.now,
    spanDays: 1,
    organization: options.organization,
    otherOrganization: options.organization,
    otherShare: 0,
  });
  const out: BatchSession[] = [];
  for (let s = 0; s < options.sessions; s += 1) {
    const kind = prng.weighted(KINDS);
    const at = options.now - 3_600_000 + s;
    const { sessionId, start } = planner.startFields(kind, options.organization, at);
    if (kind === 'FLOW_RUN') start.totalSteps = null;
    start.parentSessionId = null;
    start.subagent = null;
    const factory = new RunEventFactory(prng, catalog, start.model ?? MODELS[0]!.name);
    const batches: RunEventDraft[][] = [];
    let t = at;
    for (let b = 0; b < options.batches; b += 1) {
      const batch: RunEventDraft[] = [];
      while (batch.length < options.batchSize) {
        const turn = turnEvents(kind, factory, prng, t, options.batchSize - batch.length, null);
        batch.push(...turn.filter((event) => event.type !== 'CHECKPOINT'));
        t = turn.length ? turn[turn.length - 1]!.at : t + 1;
      }
      batches.push(batch);
    }
    // Every instant in the past (the API refuses events from the future), the start first.
    const shift = Math.max(0, t - (options.now - 1_000));
    for (const batch of batches) for (const event of batch) event.at -= shift;
    const first = batches[0]?.[0]?.at ?? at;
    out.push({ sessionId, organizationId: options.organization, at: Math.min(at, first - 1_000), start, runId: `run_${prng.hex(32)}`, batches });
  }
  return out;
}

/** Bytes of a JSON value as stored. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}
