import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as vm from 'node:vm';
import type { lintSource } from '@secretlint/core';
import type { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import { Finding, RedactionError } from './finding';
import { ruleNameFor } from './rule-names';

type LintSource = typeof lintSource;
type CoreConfig = Parameters<LintSource>[0]['options']['config'];
type LintMessage = Awaited<ReturnType<LintSource>>['messages'][number];
type PresetRule = (typeof presetRules)[number];

interface CoreModule {
  lintSource: LintSource;
}
interface PresetModule {
  rules: readonly PresetRule[];
}
/** The part of @secretlint/profiler's singleton we touch; `setEnabled` is the opt-out added by secretlint#1673. */
interface Profiler {
  mark(marker: unknown): void;
  setEnabled?(enabled: boolean): void;
}
interface ProfilerModule {
  secretLintProfiler?: Profiler;
}

/**
 * Never read from disk: rules see it only to pick file-type-specific checks, and a neutral name
 * keeps the package.json/.npmrc-only npm checks (whose reported ranges are wrong) out of the scan.
 */
const SOURCE_FILE_PATH = 'ledger-event-batch.txt';

/**
 * `secretlint-disable` directives are honoured by this rule: left in, any client could switch
 * redaction off for the rest of a batch by writing the directive into a payload.
 */
const EXCLUDED_RULE_IDS = new Set(['@secretlint/secretlint-rule-filter-comments']);

const RULE_OPTIONS: Readonly<Record<string, { options?: object; allowMessageIds?: string[] }>> = {
  // AKIA… ids are off by default in the preset; an access key id is half a credential pair.
  // Account ids are not secrets (AWS says so) and redacting them would only damage the record.
  '@secretlint/secretlint-rule-aws': { options: { enableIDScanRule: true }, allowMessageIds: ['AWSAccountID'] },
};

/** How far past a reported start the credential quoted in the message data may begin. */
const RANGE_REPAIR_WINDOW = 512;

/**
 * The preset rules, run through @secretlint/core's `lintSource` with a config built once (rule
 * descriptors are immutable and `lintSource` creates its per-run rule contexts itself).
 */
export class SecretlintEngine {
  /** Ids of the rules this engine runs. */
  readonly ruleIds: readonly string[];

  private constructor(
    private readonly lint: LintSource,
    private readonly config: CoreConfig,
  ) {
    this.ruleIds = config.rules.map((rule) => rule.id);
  }

  static async load(): Promise<SecretlintEngine> {
    const corePath = require.resolve('@secretlint/core');
    const [core, preset, profiler] = await Promise.all([
      importEsm<CoreModule>(corePath),
      importEsm<PresetModule>(require.resolve('@secretlint/secretlint-rule-preset-recommend')),
      // Resolved from core's own location so that we get the very instance core marks on.
      importEsm<ProfilerModule>(createRequire(corePath).resolve('@secretlint/profiler')),
    ]);
    silence(profiler.secretLintProfiler);
    const engine = new SecretlintEngine(core.lintSource, buildConfig(preset.rules));
    await engine.assertProfilerSilent();
    return engine;
  }

  async scan(content: string): Promise<Finding[]> {
    let messages: LintMessage[];
    try {
      const result = await this.lint({
        source: { filePath: SOURCE_FILE_PATH, content, contentType: 'text' },
        options: { config: this.config, locale: 'en', noPhysicFilePath: true },
      });
      messages = result.messages;
    } catch (error) {
      // The original error may quote the scanned text (e.g. a JSON.parse message), so it is not chained.
      throw new RedactionError(`credential scan failed (${errorName(error)})`);
    }
    return messages.map((message) => {
      const [start, end] = credentialRange(message, content);
      return { start, end, rule: ruleNameFor(message.ruleId, message.messageId), rank: 0 };
    });
  }

  /**
   * secretlint 11's profiler is always on: every lint adds ~60 global performance marks that are
   * never cleared, and its observer scans all marks seen so far on each one, so a long-running
   * process slows down quadratically (measured: 8 ms → 94 ms per 100-event batch within 4 000
   * batches). Upstream: secretlint/secretlint#1633, #1653, fixed by #1673 (opt-out `setEnabled`).
   * If a future layout defeats `silence`, failing at startup beats degrading in production.
   */
  private async assertProfilerSilent(): Promise<void> {
    const markName = `@core>lint::start||${SOURCE_FILE_PATH}`;
    const before = performance.getEntriesByName(markName, 'mark').length;
    await this.scan('');
    // The marks are left in place: the profiler measures against them asynchronously, and a
    // missing mark there is an unhandled rejection that takes the process down.
    if (performance.getEntriesByName(markName, 'mark').length !== before) {
      throw new RedactionError('could not disable the secretlint profiler; scans would slow down without bound');
    }
  }
}

function buildConfig(rules: readonly PresetRule[]): CoreConfig {
  return {
    rules: rules
      .filter((rule) => !EXCLUDED_RULE_IDS.has(rule.meta.id))
      .map((rule) => ({
        id: rule.meta.id,
        rule,
        options: RULE_OPTIONS[rule.meta.id]?.options ?? {},
        allowMessageIds: RULE_OPTIONS[rule.meta.id]?.allowMessageIds ?? [],
      })),
  };
}

function silence(profiler: Profiler | undefined): void {
  if (profiler === undefined) return;
  if (typeof profiler.setEnabled === 'function') profiler.setEnabled(false);
  else profiler.mark = () => undefined;
}

/**
 * Where to redact. Some rules report a range that starts at the whole regex match but has the
 * length of the captured secret (aws `AWSSecretAccessKey` in 11.7.1: for
 * `aws_secret_access_key = <40 chars>` it reports the key *name* plus the first 18 chars of the
 * secret). The secret itself is always in the message data, so when the reported text is not one
 * of the data values we locate the longest data value just after the reported start instead.
 */
function credentialRange(message: LintMessage, content: string): readonly [number, number] {
  const [start, end] = message.range;
  const values = dataStrings(message.data);
  if (values.length === 0 || values.includes(content.slice(start, end))) return [start, end];
  let best: [number, number] | undefined;
  for (const value of values) {
    if (value.length === 0 || (best !== undefined && value.length <= best[1] - best[0])) continue;
    const at = content.indexOf(value, start);
    if (at >= 0 && at - start <= RANGE_REPAIR_WINDOW) best = [at, at + value.length];
  }
  return best ?? [start, end];
}

function dataStrings(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return [];
  return Object.values(data).filter((value): value is string => typeof value === 'string');
}

function errorName(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : typeof error;
}

/**
 * secretlint ships ESM only. Under `tsc --module commonjs` and @swc/jest, `import()` is compiled
 * to `require()`, which loads ESM natively on Node ≥ 20.19 (our engines floor), so production
 * takes the first branch. Jest's module system cannot `require()` ESM before Node 24.9 and fails
 * with ERR_REQUIRE_ESM; there we fall back to Node's own ESM loader through a script compiled
 * with `USE_MAIN_CONTEXT_DEFAULT_LOADER` (a plain `new Function('return import(…)')` does not
 * work inside Jest's vm context: it has no dynamic-import callback).
 */
export async function importEsm<T>(path: string): Promise<T> {
  try {
    return (await import(path)) as T;
  } catch (error) {
    if (!isRequireEsmError(error)) throw error;
    return (await nodeLoaderImport()(pathToFileURL(path).href)) as T;
  }
}

function isRequireEsmError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE';
}

let nodeImport: ((specifier: string) => Promise<unknown>) | undefined;

function nodeLoaderImport(): (specifier: string) => Promise<unknown> {
  nodeImport ??= new vm.Script('(specifier) => import(specifier)', {
    filename: __filename,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }).runInThisContext() as (specifier: string) => Promise<unknown>;
  return nodeImport;
}
