"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.SecretlintEngine = void 0;
exports.importEsm = importEsm;
const node_module_1 = require("node:module");
const node_perf_hooks_1 = require("node:perf_hooks");
const node_url_1 = require("node:url");
const vm = __importStar(require("node:vm"));
const finding_1 = require("./finding");
const rule_names_1 = require("./rule-names");
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
const RULE_OPTIONS = {
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
class SecretlintEngine {
    lint;
    config;
    constructor(lint, config) {
        this.lint = lint;
        this.config = config;
    }
    static async load() {
        const corePath = require.resolve('@secretlint/core');
        const [core, preset, profiler] = await Promise.all([
            importEsm(corePath),
            importEsm(require.resolve('@secretlint/secretlint-rule-preset-recommend')),
            // Resolved from core's own location so that we get the very instance core marks on.
            importEsm((0, node_module_1.createRequire)(corePath).resolve('@secretlint/profiler')),
        ]);
        silence(profiler.secretLintProfiler);
        const engine = new SecretlintEngine(core.lintSource, buildConfig(preset.rules));
        await engine.assertProfilerSilent();
        return engine;
    }
    async scan(content) {
        let messages;
        try {
            const result = await this.lint({
                source: { filePath: SOURCE_FILE_PATH, content, contentType: 'text' },
                options: { config: this.config, locale: 'en', noPhysicFilePath: true },
            });
            messages = result.messages;
        }
        catch (error) {
            // The original error may quote the scanned text (e.g. a JSON.parse message), so it is not chained.
            throw new finding_1.RedactionError(`credential scan failed (${errorName(error)})`);
        }
        return messages.map((message) => {
            const [start, end] = credentialRange(message, content);
            return { start, end, rule: (0, rule_names_1.ruleNameFor)(message.ruleId, message.messageId), rank: 0 };
        });
    }
    /**
     * secretlint 11's profiler is always on: every lint adds ~60 global performance marks that are
     * never cleared, and its observer scans all marks seen so far on each one, so a long-running
     * process slows down quadratically (measured: 8 ms → 94 ms per 100-event batch within 4 000
     * batches). Upstream: secretlint/secretlint#1633, #1653, fixed by #1673 (opt-out `setEnabled`).
     * If a future layout defeats `silence`, failing at startup beats degrading in production.
     */
    async assertProfilerSilent() {
        const markName = `@core>lint::start||${SOURCE_FILE_PATH}`;
        const before = node_perf_hooks_1.performance.getEntriesByName(markName, 'mark').length;
        await this.scan('');
        // The marks are left in place: the profiler measures against them asynchronously, and a
        // missing mark there is an unhandled rejection that takes the process down.
        if (node_perf_hooks_1.performance.getEntriesByName(markName, 'mark').length !== before) {
            throw new finding_1.RedactionError('could not disable the secretlint profiler; scans would slow down without bound');
        }
    }
}
exports.SecretlintEngine = SecretlintEngine;
function buildConfig(rules) {
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
function silence(profiler) {
    if (profiler === undefined)
        return;
    if (typeof profiler.setEnabled === 'function')
        profiler.setEnabled(false);
    else
        profiler.mark = () => undefined;
}
/**
 * Where to redact. Some rules report a range that starts at the whole regex match but has the
 * length of the captured secret (aws `AWSSecretAccessKey` in 11.7.1: for
 * `aws_secret_access_key = <40 chars>` it reports the key *name* plus the first 18 chars of the
 * secret). The secret itself is always in the message data, so when the reported text is not one
 * of the data values we locate the longest data value just after the reported start instead.
 */
function credentialRange(message, content) {
    const [start, end] = message.range;
    const values = dataStrings(message.data);
    if (values.length === 0 || values.includes(content.slice(start, end)))
        return [start, end];
    let best;
    for (const value of values) {
        if (value.length === 0 || (best !== undefined && value.length <= best[1] - best[0]))
            continue;
        const at = content.indexOf(value, start);
        if (at >= 0 && at - start <= RANGE_REPAIR_WINDOW)
            best = [at, at + value.length];
    }
    return best ?? [start, end];
}
function dataStrings(data) {
    if (typeof data !== 'object' || data === null)
        return [];
    return Object.values(data).filter((value) => typeof value === 'string');
}
function errorName(error) {
    const name = typeof error === 'object' && error !== null ? error.name : undefined;
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
async function importEsm(path) {
    try {
        return (await Promise.resolve(`${path}`).then(s => __importStar(require(s))));
    }
    catch (error) {
        if (!isRequireEsmError(error))
            throw error;
        return (await nodeLoaderImport()((0, node_url_1.pathToFileURL)(path).href));
    }
}
function isRequireEsmError(error) {
    const code = typeof error === 'object' && error !== null ? error.code : undefined;
    return code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE';
}
let nodeImport;
function nodeLoaderImport() {
    nodeImport ??= new vm.Script('(specifier) => import(specifier)', {
        filename: __filename,
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }).runInThisContext();
    return nodeImport;
}
//# sourceMappingURL=secretlint-engine.js.map