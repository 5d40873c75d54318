import { UsageError } from './errors';
import { seededRandom } from '@ledger/domain';

/**
 * The demo data of `seed-demo`, as a plan: which sessions to start and what to do in each, with
 * every id derived from the seed (session sources, run ids, event ids). Replaying the plan
 * against a server that already has it therefore adds nothing: the API deduplicates each of
 * those ids. Pure: the same seed and count give the same plan, and a session's content does not
 * depend on the count, so a larger count only adds sessions.
 */

export type PrincipalType = 'USER' | 'MANAGED_AGENT' | 'SERVICE' | 'FLOW';
export type SessionKind = 'CHAT' | 'FLOW_RUN' | 'BACKGROUND_TASK' | 'RUNTIME';

export interface PrincipalInput {
  type: PrincipalType;
  id: string;
  name: string;
}

export interface RunEventInput {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** The StartSessionInput of a demo session, without parentSessionId (known only once the parent exists). */
export interface DemoStart {
  kind: SessionKind;
  accountId: string;
  title: string;
  tags: string[];
  owner: PrincipalInput;
  source: { type: string; id: string; reference?: string };
  initiative?: string;
  flowId?: string;
  model?: string;
  subagent?: { name: string; task: string };
  environment?: { sandbox?: string; profile?: string; runtime?: string; repo?: string; branch?: string; surface?: 'WEB' | 'IDE' | 'CLI' | 'SCHEDULED' | 'API' };
  totalSteps?: number;
  idleTimeoutSeconds?: number;
  metadata: Record<string, unknown>;
}

export type DemoStep =
  | { op: 'startRun'; runId: string; model?: string; input?: unknown }
  | { op: 'append'; runId: string | null; events: RunEventInput[] }
  | { op: 'finishRun'; runId: string; status: 'COMPLETED' | 'FAILED' | 'CANCELLED'; output?: unknown; error?: { code: string; message: string } }
  | { op: 'resolveCheckpoint'; runId: string; decision: 'APPROVE' | 'REJECT'; comment: string }
  | { op: 'endSession'; status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'ENDED'; reason: string };

/** How the session is meant to look once seeded, for the summary and the tests. */
export type DemoOutcome = 'active' | 'attention' | 'completed' | 'failed' | 'rejected' | 'ended';

export interface DemoSession {
  key: string;
  /** The key of the session that spawned this one (subagents). */
  parentKey: string | null;
  start: DemoStart;
  steps: DemoStep[];
  outcome: DemoOutcome;
}

export const DEFAULT_SEED = 'demo';
export const DEFAULT_SESSIONS = 40;
export const MAX_SESSIONS = 1000;

/** The seed goes into client ids, which allow letters, digits and _ . : @ / - only. */
export function parseSeed(text: string): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(text)) throw new UsageError(`--seed must be 1-40 letters, digits, _ or -; got ${JSON.stringify(text)}`);
  return text;
}

export function parseSessionCount(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > MAX_SESSIONS) {
    throw new UsageError(`--sessions must be a whole number from 1 to ${MAX_SESSIONS}; got ${JSON.stringify(text)}`);
  }
  return value;
}

// ---------------------------------------------------------------- cast

const USERS: PrincipalInput[] = [
  { type: 'USER', id: 'alice', name: 'Alice Chen' },
  { type: 'USER', id: 'bob', name: 'Bob Okafor' },
  { type: 'USER', id: 'carmen', name: 'Carmen Díaz' },
];
const AGENTS: PrincipalInput[] = [
  { type: 'MANAGED_AGENT', id: 'agent-laptop-alice', name: "Alice's laptop agent" },
  { type: 'MANAGED_AGENT', id: 'agent-devbox-bob', name: "Bob's devbox agent" },
  { type: 'MANAGED_AGENT', id: 'agent-ci-runner', name: 'CI runner agent' },
];
const SERVICES: PrincipalInput[] = [
  { type: 'SERVICE', id: 'svc-nightly-jobs', name: 'Nightly jobs' },
  { type: 'SERVICE', id: 'svc-support-triage', name: 'Support triage' },
];
const FLOWS: Array<PrincipalInput & { flowId: string; steps: string[] }> = [
  { type: 'FLOW', id: 'flow-release', name: 'Release pipeline', flowId: 'release-pipeline', steps: ['build', 'test', 'approve deploy', 'deploy', 'smoke test'] },
  { type: 'FLOW', id: 'flow-onboarding', name: 'Customer onboarding', flowId: 'customer-onboarding', steps: ['collect details', 'provision workspace', 'review access', 'send welcome'] },
  { type: 'FLOW', id: 'flow-backfill', name: 'Invoice backfill', flowId: 'invoice-backfill', steps: ['snapshot', 'transform', 'approve write', 'write', 'reconcile'] },
];
const ACCOUNTS = ['acct-platform', 'acct-research', 'acct-support'];
const INITIATIVES = ['Q3 reliability', 'Self-serve onboarding', 'Billing v2', 'Cost reduction'];
const REPOS = [
  { repo: 'github.com/acme/payments', branch: 'fix/retry-backoff', file: 'src/retry/backoff.ts' },
  { repo: 'github.com/acme/web', branch: 'feat/usage-page', file: 'app/usage/page.tsx' },
  { repo: 'github.com/acme/infra', branch: 'chore/terraform-1.9', file: 'modules/vpc/main.tf' },
];

interface Model {
  name: string;
  /** USD per million input / output tokens when the reporter prices its calls; null: reported without cost. */
  price: { input: number; output: number; cacheRead: number } | null;
}

const MODELS: Model[] = [
  { name: 'claude-sonnet-4', price: { input: 3, output: 15, cacheRead: 0.3 } },
  { name: 'gpt-4o', price: { input: 2.5, output: 10, cacheRead: 1.25 } },
  { name: 'claude-haiku-3.5', price: null },
  { name: 'gpt-4o-mini', price: { input: 0.15, output: 0.6, cacheRead: 0.075 } },
  { name: 'llama-3.1-70b', price: null },
];

// ---------------------------------------------------------------- determinism

function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32 seeded from the text: the same plan on every machine. */
function random(seed: string): () => number {
  return seededRandom(hash32(seed));
}

/** Builds one session's steps with ids derived from the seed and the session key. */
class Script {
  private counter = 0;
  private runs = 0;
  readonly steps: DemoStep[] = [];
  readonly rand: () => number;

  constructor(
    readonly seed: string,
    readonly key: string,
  ) {
    this.rand = random(`${seed}/${key}`);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }

  between(min: number, max: number): number {
    return min + Math.floor(this.rand() * (max - min + 1));
  }

  event(type: string, data: Record<string, unknown>): RunEventInput {
    this.counter += 1;
    return { id: `${this.seed}.${this.key}.e${this.counter}`, type, data };
  }

  startRun(model?: string, input?: unknown): string {
    this.runs += 1;
    const runId = `${this.seed}-${this.key}-run${this.runs}`;
    this.steps.push({ op: 'startRun', runId, ...(model ? { model } : {}), ...(input !== undefined ? { input } : {}) });
    return runId;
  }

  append(runId: string | null, events: RunEventInput[]): void {
    this.steps.push({ op: 'append', runId, events });
  }

  finish(runId: string, status: 'COMPLETED' | 'FAILED' | 'CANCELLED', extra: { output?: unknown; error?: { code: string; message: string } } = {}): void {
    this.steps.push({ op: 'finishRun', runId, status, ...extra });
  }

  usage(model: Model, scale = 1): RunEventInput {
    const input = Math.round(this.between(800, 6000) * scale);
    const output = Math.round(this.between(150, 1200) * scale);
    const cacheRead = this.rand() < 0.6 ? this.between(1000, 20_000) : 0;
    const cacheWrite = this.rand() < 0.3 ? this.between(500, 4000) : 0;
    const reasoning = model.name.startsWith('claude-sonnet') || model.name === 'gpt-4o' ? Math.floor(output * 0.3) : 0;
    const data: Record<string, unknown> = {
      model: model.name,
      inputTokens: input,
      outputTokens: output,
      latencyMs: this.between(400, 9000),
      requestId: `req_${this.seed}_${this.key}_${this.counter + 1}`,
    };
    if (cacheRead) data.cacheReadTokens = cacheRead;
    if (cacheWrite) data.cacheWriteTokens = cacheWrite;
    if (reasoning) data.reasoningTokens = reasoning;
    if (model.price) {
      const cost = (input * model.price.input + output * model.price.output + cacheRead * model.price.cacheRead) / 1_000_000;
      data.costUsd = Math.round(cost * 1_000_000) / 1_000_000;
    }
    return this.event('MODEL_USAGE', data);
  }

  toolCall(name: string, args: Record<string, unknown>, result: { status: 'succeeded' | 'failed'; output: unknown }): RunEventInput[] {
    const toolCallId = `${this.key}-tc${this.counter + 1}`;
    return [
      this.event('TOOL_CALL', { toolCallId, name, arguments: args }),
      this.event('TOOL_RESULT', { toolCallId, status: result.status, output: result.output, durationMs: this.between(20, 4000) }),
    ];
  }
}

// ---------------------------------------------------------------- scenarios

interface Slot {
  index: number;
  cycle: number;
  seed: string;
  key: string;
}

function keyOf(index: number): string {
  return `s${String(index).padStart(3, '0')}`;
}

function common(slot: Slot, script: Script, extraTags: string[]) {
  return {
    accountId: ACCOUNTS[slot.index % ACCOUNTS.length]!,
    tags: ['demo', `seed:${slot.seed}`, ...extraTags],
    initiative: INITIATIVES[(slot.index + slot.cycle) % INITIATIVES.length]!,
    metadata: { demo: true, seed: slot.seed, ticket: `ENG-${1000 + script.between(0, 8999)}` },
  };
}

/** An enrolled runtime's coding session, still open: commands, file edits, tool calls, usage. */
function runtimeActive(slot: Slot): DemoSession {
  const s = new Script(slot.seed, slot.key);
  const owner = AGENTS[slot.cycle % AGENTS.length]!;
  const where = REPOS[slot.cycle % REPOS.length]!;
  const model = MODELS[slot.cycle % 2]!;
  const run1 = s.startRun(model.name, { prompt: 'Make the flaky retry test deterministic' });
  s.append(run1, [
    s.event('MESSAGE', { role: 'user', text: `The retry test in ${where.repo} fails one run in five. Make it deterministic.` }),
    s.event('REASONING_SUMMARY', { text: 'The test sleeps on wall-clock time; inject a fake clock instead.' }),
    ...s.toolCall('read_file', { path: where.file }, { status: 'succeeded', output: { bytes: s.between(900, 9000) } }),
    s.usage(model),
    s.event('FILE_EDIT', { path: where.file, before: 'await sleep(delayMs);', after: 'await clock.sleep(delayMs);' }),
    s.event('COMMAND', { command: 'npm test -- retry', language: 'shell', exitCode: 0, durationMs: s.between(3000, 20_000), stdout: 'Tests: 14 passed, 14 total' }),
    s.usage(model, 0.5),
    s.event('MESSAGE', { role: 'assistant', text: 'Replaced the real sleep with an injected clock; the retry suite passed 50 runs in a row.' }),
  ]);
  s.finish(run1, 'COMPLETED', { output: 'retry test made deterministic' });
  const run2 = s.startRun(model.name, { prompt: 'Now open a pull request' });
  s.append(run2, [
    s.event('MESSAGE', { role: 'user', text: 'Good. Open a pull request with a short description.' }),
    s.event('COMMAND', { command: `git push -u origin ${where.branch}`, language: 'shell', exitCode: 0, durationMs: s.between(800, 3000) }),
    s.usage(model, 0.3),
  ]);
  return {
    key: slot.key,
    parentKey: null,
    outcome: 'active',
    start: {
      kind: 'RUNTIME',
      ...common(slot, s, ['coding']),
      title: `Fix flaky retry test (${where.repo.split('/').pop()})`,
      owner,
      source: { type: 'openclaw', id: `${slot.seed}:${slot.key}`, reference: `${owner.id}/tty${s.between(1, 9)}` },
      model: model.name,
      environment: { runtime: 'openclaw 0.9.4', repo: where.repo, branch: where.branch, surface: slot.cycle % 2 ? 'IDE' : 'CLI', sandbox: 'local' },
      idleTimeoutSeconds: 6 * 3600,
    },
    steps: s.steps,
  };
}

/** A subagent spawned by a runtime session: one run of focused work, then done. */
function runtimeSubagent(slot: Slot, parent: Slot): DemoSession {
  const s = new Script(slot.seed, slot.key);
  const owner = AGENTS[parent.cycle % AGENTS.length]!;
  const model = MODELS[2]!;
  const run = s.startRun(model.name);
  s.append(run, [
    s.event('MESSAGE', { role: 'user', text: 'Write unit tests for the new clock abstraction.' }),
    ...s.toolCall('write_file', { path: 'src/retry/clock.unit.spec.ts' }, { status: 'succeeded', output: 'written' }),
    s.event('COMMAND', { command: 'npm test -- clock', language: 'shell', exitCode: 0, durationMs: s.between(2000, 9000) }),
    s.usage(model, 0.7),
    s.event('MESSAGE', { role: 'assistant', text: 'Added 6 tests covering sleep, timeout and cancellation.' }),
  ]);
  s.finish(run, 'COMPLETED', { output: '6 tests added' });
  s.steps.push({ op: 'endSession', status: 'COMPLETED', reason: 'subagent finished its task' });
  return {
    key: slot.key,
    parentKey: parent.key,
    outcome: 'completed',
    start: {
      kind: 'BACKGROUND_TASK',
      ...common(slot, s, ['coding', 'subagent']),
      title: 'Subagent: write clock tests',
      owner,
      source: { type: 'subagent', id: `${slot.seed}:${slot.key}` },
      model: model.name,
      subagent: { name: 'test-writer', task: 'Write unit tests for the injected clock' },
    },
    steps: s.steps,
  };
}

type FlowEnding = 'approved-completed' | 'rejected' | 'waiting' | 'approved-running';

/** A flow run with steps and a checkpoint, decided (or not) as `ending` says. */
function flowRun(slot: Slot, ending: FlowEnding): DemoSession {
  const s = new Script(slot.seed, slot.key);
  const flow = FLOWS[(slot.index + slot.cycle) % FLOWS.length]!;
  const model = MODELS[(slot.cycle + 1) % MODELS.length]!;
  const total = flow.steps.length;
  const gate = flow.steps.findIndex((name) => name.startsWith('approve') || name.startsWith('review'));
  const run = s.startRun(model.name, { trigger: ending === 'rejected' ? 'manual' : 'schedule' });
  const before: RunEventInput[] = [];
  for (let index = 1; index <= gate; index += 1) {
    before.push(s.event('STEP', { index, total, name: flow.steps[index - 1] }));
    before.push(s.event('LOG', { level: 'info', message: `${flow.steps[index - 1]} done` }));
    before.push(s.usage(model, 0.4));
  }
  before.push(s.event('STEP', { index: gate + 1, total, name: flow.steps[gate] }));
  before.push(s.event('CHECKPOINT', { name: flow.steps[gate], reason: `${flow.name} needs a human to approve before "${flow.steps[gate + 1]}"` }));
  s.append(run, before);
  let outcome: DemoOutcome = 'attention';
  if (ending === 'rejected') {
    s.steps.push({ op: 'resolveCheckpoint', runId: run, decision: 'REJECT', comment: 'Change window is closed; rejecting.' });
    outcome = 'rejected';
  } else if (ending !== 'waiting') {
    s.steps.push({ op: 'resolveCheckpoint', runId: run, decision: 'APPROVE', comment: 'Looks good, go ahead.' });
    const last = ending === 'approved-completed' ? total : gate + 2;
    const after: RunEventInput[] = [];
    for (let index = gate + 2; index <= last; index += 1) {
      after.push(s.event('STEP', { index, total, name: flow.steps[index - 1] }));
      after.push(s.usage(model, 0.5));
    }
    s.append(run, after);
    if (ending === 'approved-completed') {
      s.finish(run, 'COMPLETED', { output: `${flow.name}: all ${total} steps done` });
      s.steps.push({ op: 'endSession', status: 'COMPLETED', reason: 'flow finished' });
      outcome = 'completed';
    } else {
      outcome = 'active';
    }
  }
  return {
    key: slot.key,
    parentKey: null,
    outcome,
    start: {
      kind: 'FLOW_RUN',
      ...common(slot, s, ['flow', flow.flowId]),
      title: `${flow.name} #${100 + slot.index}`,
      owner: { type: 'FLOW', id: flow.id, name: flow.name },
      source: { type: 'flow', id: `${slot.seed}:${slot.key}`, reference: `${flow.flowId}/runs/${100 + slot.index}` },
      flowId: flow.flowId,
      model: model.name,
      totalSteps: total,
      environment: { sandbox: 'flow-workers', surface: 'SCHEDULED' },
    },
    steps: s.steps,
  };
}

/** A subagent that a flow spawned: writes something for it, then finishes. */
function flowSubagent(slot: Slot, parent: Slot): DemoSession {
  const s = new Script(slot.seed, slot.key);
  const flow = FLOWS[(parent.index + parent.cycle) % FLOWS.length]!;
  const model = MODELS[3]!;
  const run = s.startRun(model.name);
  s.append(run, [
    s.event('MESSAGE', { role: 'system', text: `You write the summary for ${flow.name}.` }),
    s.event('MESSAGE', { role: 'user', text: 'Summarise the changes in this run for the changelog.' }),
    s.usage(model),
    s.event('OUTPUT_DELTA', { text: '- Retry backoff is now deterministic\n- Usage page shows cache tokens' }),
    s.event('MESSAGE', { role: 'assistant', text: 'Changelog drafted: 2 entries.' }),
  ]);
  s.finish(run, 'COMPLETED', { output: 'Changelog drafted: 2 entries.' });
  s.steps.push({ op: 'endSession', status: 'COMPLETED', reason: 'summary delivered to the flow' });
  return {
    key: slot.key,
    parentKey: parent.key,
    outcome: 'completed',
    start: {
      kind: 'BACKGROUND_TASK',
      ...common(slot, s, ['flow', 'subagent']),
      title: `Subagent: changelog for ${flow.name}`,
      owner: { type: 'FLOW', id: flow.id, name: flow.name },
      source: { type: 'subagent', id: `${slot.seed}:${slot.key}` },
      flowId: flow.flowId,
      model: model.name,
      subagent: { name: 'changelog-writer', task: `Summarise the run of ${flow.name}` },
    },
    steps: s.steps,
  };
}

const CHAT_TOPICS = [
  { title: 'Why did the invoice job fail?', question: 'Why did last night\'s invoice job fail?', answer: 'It hit the upstream rate limit at 02:14; the retry budget ran out after 3 attempts.' },
  { title: 'Draft a customer reply', question: 'Draft a reply to ACME about the delayed export.', answer: 'Here is a draft that apologises, gives the new ETA and offers a credit.' },
  { title: 'Explain the usage spike', question: 'What caused the token usage spike on Tuesday?', answer: 'The backfill flow re-ran 3 times with a cold cache; cache reads dropped to zero.' },
  { title: 'Summarise the incident', question: 'Summarise incident INC-2231 for the weekly review.', answer: 'A bad config push disabled retries for 40 minutes; 312 requests failed; fixed by rollback.' },
];

/** A chat with a person: messages both ways, model usage on each answer. */
function chat(slot: Slot, ended: boolean): DemoSession {
  const s = new Script(slot.seed, slot.key);
  const owner = USERS[(slot.index + slot.cycle) % USERS.length]!;
  const topic = CHAT_TOPICS[(slot.index + slot.cycle) % CHAT_TOPICS.length]!;
  const model = MODELS[(slot.cycle + (ended ? 2 : 0)) % MODELS.length]!;
  const run = s.startRun(model.name);
  const turns = s.between(2, 4);
  const events: RunEventInput[] = [];
  for (let turn = 1; turn <= turns; turn += 1) {
    events.push(s.event('MESSAGE', { role: 'user', text: turn === 1 ? topic.question : `Follow-up ${turn - 1}: can you be more specific?` }));
    events.push(s.usage(model, 0.6));
    events.push(s.event('MESSAGE', { role: 'assistant', text: turn === 1 ? topic.answer : `More detail, part ${turn - 1}.` }));
  }
  s.append(run, events);
  s.finish(run, 'COMPLETED');
  if (ended) {
    // A gateway reports usage for the session as a whole, outside any run.
    s.append(null, [s.usage(MODELS[4]!, 0.2)]);
    s.steps.push({ op: 'endSession', status: 'ENDED', reason: 'closed by the user' });
  }
  return {
    key: slot.key,
    parentKey: null,
    outcome: ended ? 'ended' : 'active',
    start: {
      kind: 'CHAT',
      ...common(slot, s, ['chat']),
      title: topic.title,
      owner,
      source: { type: 'chat-ui', id: `${slot.seed}:${slot.key}` },
      model: model.name,
      environment: { surface: 'WEB' },
    },
    steps: s.steps,
  };
}

/** A background task with several runs (turns); `ending` decides how the last one goes. */
function backgroundTask(slot: Slot, ending: 'failed' | 'completed' | 'running'): DemoSession {
  const s = new Script(slot.seed, slot.key);
  const owner = SERVICES[(slot.index + slot.cycle) % SERVICES.length]!;
  const model = MODELS[(slot.cycle + 3) % MODELS.length]!;
  const runs = 3;
  for (let turn = 1; turn <= runs; turn += 1) {
    const run = s.startRun(model.name, { batch: turn });
    const last = turn === runs;
    const events: RunEventInput[] = [
      s.event('LOG', { level: 'info', message: `batch ${turn} of ${runs}: ${s.between(200, 5000)} records` }),
      ...s.toolCall('query_warehouse', { table: 'invoices', batch: turn }, { status: 'succeeded', output: { rows: s.between(200, 5000) } }),
      s.usage(model, 0.8),
    ];
    if (last && ending === 'failed') {
      events.push(...s.toolCall('post_ledger', { batch: turn }, { status: 'failed', output: 'HTTP 504 from ledger-writer' }));
      events.push(s.event('ERROR', { code: 'UPSTREAM_TIMEOUT', message: 'ledger-writer did not answer within 30 s (3 attempts)' }));
      s.append(run, events);
      s.finish(run, 'FAILED', { error: { code: 'UPSTREAM_TIMEOUT', message: 'ledger-writer did not answer within 30 s' } });
    } else if (last && ending === 'running') {
      s.append(run, events);
    } else {
      events.push(s.event('OUTPUT_DELTA', { text: `batch ${turn} reconciled` }));
      s.append(run, events);
      s.finish(run, 'COMPLETED', { output: `batch ${turn} reconciled` });
    }
  }
  if (ending === 'failed') s.steps.push({ op: 'endSession', status: 'FAILED', reason: 'gave up after the last batch failed' });
  if (ending === 'completed') s.steps.push({ op: 'endSession', status: 'COMPLETED', reason: 'all batches reconciled' });
  return {
    key: slot.key,
    parentKey: null,
    outcome: ending === 'running' ? 'active' : ending,
    start: {
      kind: 'BACKGROUND_TASK',
      ...common(slot, s, ['batch']),
      title: ending === 'failed' ? 'Nightly invoice reconciliation' : `Reconcile ledger batches (${owner.name})`,
      owner,
      source: { type: 'scheduler', id: `${slot.seed}:${slot.key}`, reference: `cron/${owner.id}` },
      model: model.name,
      environment: { sandbox: `sbx-${s.between(100, 999)}`, profile: 'batch-large', surface: 'SCHEDULED' },
    },
    steps: s.steps,
  };
}

/** A runtime session that hit a failing command, recovered, and was closed by its agent. */
function runtimeEnded(slot: Slot): DemoSession {
  const s = new Script(slot.seed, slot.key);
  const owner = AGENTS[(slot.cycle + 1) % AGENTS.length]!;
  const where = REPOS[(slot.cycle + 1) % REPOS.length]!;
  const model = MODELS[(slot.cycle + 2) % MODELS.length]!;
  const run1 = s.startRun(model.name);
  s.append(run1, [
    s.event('MESSAGE', { role: 'user', text: 'Upgrade the build to Node 22.' }),
    s.event('FILE_EDIT', { path: '.nvmrc', before: '20', after: '22' }),
    s.event('COMMAND', { command: 'npm ci && npm run build', language: 'shell', exitCode: 1, durationMs: s.between(20_000, 90_000), stderr: 'error TS2307: Cannot find module "node:sqlite"' }),
    s.usage(model),
    s.event('ERROR', { code: 'BUILD_FAILED', message: 'npm run build exited with 1' }),
  ]);
  s.finish(run1, 'FAILED', { error: { code: 'BUILD_FAILED', message: 'npm run build exited with 1' } });
  const run2 = s.startRun(model.name);
  s.append(run2, [
    s.event('MESSAGE', { role: 'user', text: 'Pin @types/node to 22 and try again.' }),
    s.event('FILE_EDIT', { path: 'package.json', before: '"@types/node": "^20"', after: '"@types/node": "^22"' }),
    s.event('COMMAND', { command: 'npm ci && npm run build', language: 'shell', exitCode: 0, durationMs: s.between(20_000, 90_000) }),
    s.usage(model, 0.5),
    s.event('MESSAGE', { role: 'assistant', text: 'Build passes on Node 22.' }),
  ]);
  s.finish(run2, 'COMPLETED', { output: 'Build passes on Node 22.' });
  s.steps.push({ op: 'endSession', status: 'ENDED', reason: 'agent closed the session' });
  return {
    key: slot.key,
    parentKey: null,
    outcome: 'ended',
    start: {
      kind: 'RUNTIME',
      ...common(slot, s, ['coding', 'upgrade']),
      title: `Upgrade to Node 22 (${where.repo.split('/').pop()})`,
      owner,
      source: { type: 'openclaw', id: `${slot.seed}:${slot.key}`, reference: `${owner.id}/tty${s.between(1, 9)}` },
      model: model.name,
      environment: { runtime: 'openclaw 0.9.4', repo: where.repo, branch: 'chore/node-22', surface: 'CLI' },
      idleTimeoutSeconds: 3600,
    },
    steps: s.steps,
  };
}

/** Ten scenarios in a cycle, varied by the cycle number (owners, models, outcomes). */
function sessionAt(seed: string, index: number): DemoSession {
  const cycle = Math.floor(index / 10);
  const slot = (at: number): Slot => ({ index: at, cycle: Math.floor(at / 10), seed, key: keyOf(at) });
  const here = slot(index);
  switch (index % 10) {
    case 0:
      return runtimeActive(here);
    case 1:
      return runtimeSubagent(here, slot(index - 1));
    case 2:
      return flowRun(here, 'approved-completed');
    case 3:
      return chat(here, false);
    case 4:
      return backgroundTask(here, 'failed');
    case 5:
      // Exactly one rejected checkpoint; then one left waiting for approval; the rest approved and still running.
      return flowRun(here, cycle === 0 ? 'rejected' : cycle === 1 ? 'waiting' : 'approved-running');
    case 6:
      return backgroundTask(here, cycle === 1 ? 'running' : 'completed');
    case 7:
      return chat(here, true);
    case 8:
      return runtimeEnded(here);
    default:
      return flowSubagent(here, slot(index - 7));
  }
}

export function demoPlan(seed: string, sessions: number): DemoSession[] {
  return Array.from({ length: sessions }, (_, index) => sessionAt(seed, index));
}
