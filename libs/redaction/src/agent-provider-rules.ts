/**
 * Credentials an agent meets every day that neither secretlint's recommended preset (11.x) nor
 * the older supplementary rules detect: AI providers' keys (they are in every agent transcript),
 * code hosts, cloud storage, messaging bots, data platforms, and generic `password = …`
 * assignments.
 *
 * Precision matters as much as recall: a transcript is full of git SHAs, UUIDs, content hashes,
 * base64 images and prose, and redacting a commit SHA destroys the record. So a rule either
 * anchors on a prefix the provider puts in its keys (`hf_`, `gsk_`, `glpat-`, ...), or, for keys
 * with no prefix (Mistral, Cohere, Twilio auth tokens, Together's older keys), it needs the
 * provider's variable name right before the value. The generic rule also needs a credential-like
 * name (password, secret, token, api key, ...) and a value that looks random: at least 8
 * characters, two character classes, and a Shannon entropy of at least 3 bits per character.
 *
 * Every pattern is linear (no nested quantifiers over overlapping classes), so a crafted payload
 * cannot stall ingestion.
 */
export interface PatternRule {
  name: string;
  /** Global; with the `d` flag when `group` is set. */
  pattern: RegExp;
  /** Capture group holding the credential itself; the whole match when absent. */
  group?: number;
  accept?: (match: RegExpExecArray, content: string) => boolean;
  /** What every match contains, for the pre-filter (see prefilter.ts): a prefix of `pattern`. */
  trigger: RegExp;
}

/** Shannon entropy in bits per character. */
export function entropyOf(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

export const GENERIC_MIN_LENGTH = 8;
export const GENERIC_MIN_ENTROPY = 3;

/** Values that name a secret rather than hold one: placeholders, templates, redactions, code. */
const PLACEHOLDER = /^(?:[*xX•.#_-]+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[sd]|\[REDACTED[^\]]*\]|(?:process\.env|os\.environ|env|ENV|config|settings|self|this|args|options|params|req|request)\b.*|.*\(.*|[a-z][a-z0-9+.-]*:\/\/.*|\.{0,2}\/.*|[a-z]+(?:[_.-][a-z0-9]+)+)$/;

/** A generic assignment's value is a credential when it looks random, not like a word or a name. */
export function looksLikeSecret(value: string): boolean {
  if (value.length < GENERIC_MIN_LENGTH || PLACEHOLDER.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(value)).length;
  if (classes < 2) return false;
  return entropyOf(value) >= GENERIC_MIN_ENTROPY;
}

const B = String.raw`(?<![A-Za-z0-9_-])`;
const E = String.raw`(?![A-Za-z0-9_-])`;
/** `NAME = value`, `NAME: "value"`, `"NAME": "value"`, `NAME=value`, `--name value` is not covered. */
const ASSIGN = String.raw`["']?[ \t]{0,4}(?::=|=>|[:=])[ \t]{0,4}["'\x60]?`;

/** A provider's key with no prefix of its own, recognised by the variable it is assigned to. */
function named(name: string, variable: string, value: string): PatternRule {
  return {
    name,
    pattern: new RegExp(`(?<![A-Za-z0-9])(?:${variable})${ASSIGN}(${value})${E}`, 'dgi'),
    group: 1,
    trigger: new RegExp(`(?:${variable})${ASSIGN}`, 'i'),
  };
}

/** Names a generic assignment needs before its value. */
const SECRET_NAME =
  String.raw`(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|private[_-]?key|credentials?)` +
  String.raw`(?:[_-][A-Za-z0-9]{1,16}){0,2}${ASSIGN}`;

/** Order matters only for ties of equal width: the more specific rule comes first. */
export const AGENT_PROVIDER_RULES: readonly PatternRule[] = [
  { name: 'huggingface-token', pattern: new RegExp(`${B}(?:hf|api_org)_[A-Za-z0-9]{34}${E}`, 'g'), trigger: /hf_|api_org_/ },
  { name: 'openrouter-api-key', pattern: new RegExp(`${B}sk-or-v1-[a-f0-9]{64}${E}`, 'g'), trigger: /sk-or-v1-/ },
  { name: 'groq-api-key', pattern: new RegExp(`${B}gsk_[A-Za-z0-9]{52}${E}`, 'g'), trigger: /gsk_/ },
  { name: 'together-api-key', pattern: new RegExp(`${B}tgp_v1_[A-Za-z0-9_-]{40,64}${E}`, 'g'), trigger: /tgp_v1_/ },
  { name: 'replicate-api-token', pattern: new RegExp(`${B}r8_[A-Za-z0-9]{37}${E}`, 'g'), trigger: /r8_/ },
  { name: 'perplexity-api-key', pattern: new RegExp(`${B}pplx-[A-Za-z0-9]{40,64}${E}`, 'g'), trigger: /pplx-/ },
  { name: 'xai-api-key', pattern: new RegExp(`${B}xai-[A-Za-z0-9]{70,90}${E}`, 'g'), trigger: /xai-/ },
  { name: 'deepseek-api-key', pattern: new RegExp(`${B}sk-[a-f0-9]{32}${E}`, 'g'), trigger: /sk-[a-f0-9]{32}/ },
  {
    name: 'gitlab-token',
    pattern: new RegExp(`${B}(?:gl(?:pat|dt|rt|ptt|oas|cbt|imt|soat|ffct|agent|ft|wt)-[A-Za-z0-9_.-]{20,300}|GR1348941[A-Za-z0-9_-]{20,50})${E}`, 'g'),
    trigger: /gl(?:pat|dt|rt|ptt|oas|cbt|imt|soat|ffct|agent|ft|wt)-|GR1348941/,
  },
  { name: 'databricks-token', pattern: new RegExp(`${B}dapi[a-f0-9]{32}(?:-\\d{1,2})?${E}`, 'g'), trigger: /dapi[a-f0-9]{32}/ },
  { name: 'twilio-api-key', pattern: new RegExp(`${B}SK[0-9a-f]{32}${E}`, 'g'), trigger: /SK[0-9a-f]{32}/ },
  {
    name: 'discord-bot-token',
    pattern: new RegExp(`${B}[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}${E}`, 'g'),
    // The second and third parts, anchored on a dot.
    trigger: /\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27}/,
  },
  {
    name: 'discord-webhook-url',
    pattern: /https:\/\/(?:canary\.|ptb\.)?discord(?:app)?\.com\/api\/webhooks\/\d{5,25}\/([A-Za-z0-9_-]{30,100})/dg,
    group: 1,
    trigger: /\/api\/webhooks\//,
  },
  { name: 'telegram-bot-token', pattern: /(?<![A-Za-z0-9_:-])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g, trigger: /:AA[A-Za-z0-9_-]{33}/ },
  {
    name: 'azure-storage-key',
    // Storage, Service Bus, Event Hubs and IoT Hub connection strings.
    pattern: /(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{20,100}={0,2})/dg,
    group: 1,
    trigger: /AccountKey=|SharedAccessKey=/,
  },
  { name: 'azure-sas-token', pattern: /[?&;]sig=([A-Za-z0-9%+/]{20,200}(?:%3D|=){0,2})/dg, group: 1, trigger: /[?&;]sig=/ },
  { name: 'azure-client-secret', pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g, trigger: /\dQ~/ },
  named('mistral-api-key', String.raw`mistral[_-]?(?:api[_-]?)?key`, '[A-Za-z0-9]{32}'),
  named('cohere-api-key', String.raw`(?:cohere|co)[_-]?(?:api[_-]?)?key`, '[A-Za-z0-9]{40}'),
  named('together-api-key', String.raw`together(?:ai)?[_-]?(?:api[_-]?)?key`, '[a-f0-9]{64}'),
  named('twilio-auth-token', String.raw`twilio[_-]?auth[_-]?token`, '[a-f0-9]{32}'),
  named('azure-openai-api-key', String.raw`azure[_-]?(?:openai|ai|cognitive)[_-]?(?:services[_-]?)?(?:api[_-]?)?key`, '[A-Za-z0-9]{32,84}'),
  {
    name: 'generic-secret-assignment',
    pattern: new RegExp(String.raw`${SECRET_NAME}([^\s"'\x60,;]{1,200})`, 'dgi'),
    group: 1,
    trigger: new RegExp(SECRET_NAME, 'i'),
    accept: (match) => looksLikeSecret(match[1] ?? ''),
  },
];
