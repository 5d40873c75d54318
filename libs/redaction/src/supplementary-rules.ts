import { AGENT_PROVIDER_RULES } from './agent-provider-rules';
import { Finding } from './finding';

/**
 * Credentials this service must redact but @secretlint/secretlint-rule-preset-recommend
 * (11.x) does not detect in free text:
 *
 * - `gcp-api-key`: the preset's gcp rule only recognises service-account key *files* (.json/.p12);
 *   `AIza…` API keys are not covered at all.
 * - `stripe-key`, `jwt`, `bearer-token`, `basic-auth-header`: no preset rule exists.
 * - `private-key`: the preset only reports PEM blocks whose body is ≥100 base64 chars starting with
 *   `MI`/OpenSSH magic, so EC (SEC1) P-256 keys (`MHc…`), Ed25519 PKCS#8 keys (64 chars),
 *   `ENCRYPTED PRIVATE KEY` blocks and keys truncated mid-body all slip through.
 * - `password-in-url`: the preset covers http(s)/ftp userinfo and postgres/mysql/mongodb URIs, and
 *   skips passwords it considers placeholders or that contain characters outside its classes;
 *   redis://, amqp://, smtp://… and `p%40ss!`-style passwords are not covered.
 * - `openai-api-key`, `anthropic-api-key`: the preset insists on the exact current shapes
 *   (`…T3BlbkFJ…` for OpenAI, `sk-ant-api0N-…AA` for Anthropic) and misses admin keys and other
 *   lengths; the `sk-proj-`/`sk-ant-…NN-` prefixes are specific enough to match on alone.
 *
 * Patterns avoid nested quantifiers over overlapping classes so that scanning stays linear in the
 * size of the text: a crafted payload must not be able to stall ingestion.
 */
interface SupplementaryRule {
  name: string;
  /** Global; with the `d` flag when `group` is set. */
  pattern: RegExp;
  /** Capture group holding the credential itself; the whole match when absent. */
  group?: number;
  accept?: (match: RegExpExecArray, content: string) => boolean;
  /** What every match contains, for the pre-filter (see prefilter.ts). */
  trigger: RegExp;
}

/** `Authorization: Bearer`, `"authorization": "Bearer`, `authorization=Bearer`, case-insensitively. */
const AUTHORIZATION_BEFORE = /authorization["']?\s*[:=]\s*["']?$/i;

/**
 * Outside an Authorization header, "bearer <word>" is often prose ("bearer authentication"); a
 * credential is long and not a plain lowercase word.
 */
function isBearerCredential(match: RegExpExecArray, content: string): boolean {
  const token = match[2] ?? '';
  if (AUTHORIZATION_BEFORE.test(content.slice(Math.max(0, match.index - 40), match.index))) return true;
  return token.length >= 16 && /[^a-z]/.test(token);
}

const PEM_BODY = String.raw`[A-Za-z0-9+/=\s\\:,-]`;

/** Order matters only for ties of equal width: the more specific rule comes first. */
const SUPPLEMENTARY_RULES: readonly SupplementaryRule[] = [
  {
    name: 'private-key',
    // Ends at the END line, or where the base64 body stops (a truncated key is still a secret).
    pattern: new RegExp(
      String.raw`-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----${PEM_BODY}*?` +
        String.raw`(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----|(?!${PEM_BODY}))`,
      'g',
    ),
    trigger: /PRIVATE KEY/,
  },
  { name: 'openai-api-key', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}/g, trigger: /sk-(?:proj|svcacct|admin)-/ },
  { name: 'anthropic-api-key', pattern: /(?<![A-Za-z0-9_-])sk-ant-[a-z]{2,12}\d{2}-[A-Za-z0-9_-]{20,}/g, trigger: /sk-ant-/ },
  { name: 'gcp-api-key', pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g, trigger: /AIza/ },
  { name: 'stripe-key', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9_])/g, trigger: /[sr]k_(?:live|test)_/ },
  { name: 'jwt', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g, trigger: /eyJ/ },
  {
    name: 'bearer-token',
    pattern: /(?<![A-Za-z0-9_-])(bearer[ \t]+)([A-Za-z0-9._~+/-]*[A-Za-z0-9_~+/-]=*)/dgi,
    group: 2,
    accept: isBearerCredential,
    trigger: /bearer[ \t]/i,
  },
  {
    name: 'basic-auth-header',
    pattern: /(authorization["']?\s*[:=]\s*["']?basic[ \t]+)([A-Za-z0-9+/]{4,}=*)/dgi,
    group: 2,
    trigger: /authorization/i,
  },
  {
    name: 'password-in-url',
    // Anchored on `://` rather than on the scheme: a scheme-first pattern is tried at every letter
    // and cost more than all the other rules together. The password runs to the *last* `@` of the
    // authority, so an unencoded `@` in it is still covered.
    pattern: /:\/\/[^\s:@/?#]*:([^\s/?#]+)@/dg,
    group: 1,
    trigger: /:\/\/[^\s/]*@/,
  },
];

/** The preset's gaps first, then the agent providers' keys and generic assignments. */
export const ALL_RULES: readonly SupplementaryRule[] = [...SUPPLEMENTARY_RULES, ...AGENT_PROVIDER_RULES];

/** Rank offset so that every supplementary finding loses ties against the preset's (rank 0). */
const RANK_BASE = 1;

export function scanSupplementary(content: string): Finding[] {
  const findings: Finding[] = [];
  ALL_RULES.forEach((rule, index) => {
    const pattern = rule.pattern;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(content); match !== null; match = pattern.exec(content)) {
      if (rule.accept !== undefined && !rule.accept(match, content)) continue;
      const span = rule.group === undefined ? undefined : match.indices?.[rule.group];
      const start = span === undefined ? match.index : span[0];
      const end = span === undefined ? match.index + match[0].length : span[1];
      if (end > start) findings.push({ start, end, rule: rule.name, rank: RANK_BASE + index });
    }
  });
  return findings;
}
