import { createHash, randomUUID } from 'node:crypto';

/**
 * The credential corpus: one true positive per rule as an agent transcript carries it, and what
 * must come out untouched. Shared by the redaction tests and the log-leak e2e test.
 */
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';
export const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = `${ALNUM}+/`;
const URLSAFE = `${ALNUM}_-`;

/**
 * Deterministic pseudo-random characters. Fake credentials are assembled at run time so that no
 * complete token appears in the source, where push protection and secret scanners would flag it.
 */
export function fill(length: number, seed: number, alphabet = ALNUM): string {
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (state * 48271) % 2147483647;
    out += alphabet[state % alphabet.length];
  }
  return out;
}

export interface SecretCase {
  rule: string;
  /** The credential itself: it must not survive anywhere in the redacted text. */
  secret: string;
  /** How it appears in agent work. */
  text: string;
}

const j = (...parts: string[]) => parts.join('');

/** One true positive per rule, as an agent transcript would carry it. */
export const SECRETS: SecretCase[] = [
  ...[
    ['huggingface-token', j('hf', '_', fill(34, 101, LETTERS))],
    ['huggingface-token', j('api_org', '_', fill(34, 102, LETTERS))],
    ['openrouter-api-key', j('sk-or', '-v1-', fill(64, 103, HEX))],
    ['groq-api-key', j('gsk', '_', fill(52, 104))],
    ['together-api-key', j('tgp', '_v1_', fill(43, 105, URLSAFE))],
    ['replicate-api-token', j('r8', '_', fill(37, 106))],
    ['perplexity-api-key', j('pplx', '-', fill(48, 107))],
    ['xai-api-key', j('xai', '-', fill(80, 108))],
    ['deepseek-api-key', j('sk', '-', fill(32, 109, HEX))],
    ['gitlab-token', j('glpat', '-', fill(20, 110, URLSAFE))],
    ['gitlab-token', j('glrt', '-', fill(20, 111, URLSAFE))],
    ['gitlab-token', j('GR1348941', fill(20, 112, URLSAFE))],
    ['databricks-token', j('dapi', fill(32, 113, HEX))],
    ['twilio-api-key', j('SK', fill(32, 114, HEX))],
    ['discord-bot-token', j('M', fill(25, 115), '.', fill(6, 116, URLSAFE), '.', fill(38, 117, URLSAFE))],
    ['telegram-bot-token', j('7', fill(9, 118, '0123456789'), ':AA', fill(33, 119, URLSAFE))],
    ['azure-client-secret', j(fill(3, 120), '8Q~', fill(34, 121, `${ALNUM}_~.-`))],
  ].map(([rule, secret]) => ({ rule: rule!, secret: secret!, text: `the agent ran: curl -H "x-key: ${secret}" https://api.example.com/v1/models` })),
  {
    rule: 'azure-storage-key',
    secret: j(fill(86, 122, B64), '=='),
    text: '',
  },
  {
    rule: 'azure-sas-token',
    secret: j(fill(43, 123, B64.replace('+', '').replace('/', '')), '%3D'),
    text: '',
  },
  {
    rule: 'discord-webhook-url',
    secret: fill(68, 124, URLSAFE),
    text: '',
  },
  { rule: 'mistral-api-key', secret: fill(32, 125), text: '' },
  { rule: 'cohere-api-key', secret: fill(40, 126), text: '' },
  { rule: 'together-api-key', secret: fill(64, 127, HEX), text: '' },
  { rule: 'twilio-auth-token', secret: fill(32, 128, HEX), text: '' },
  { rule: 'azure-openai-api-key', secret: fill(32, 129), text: '' },
  { rule: 'generic-secret-assignment', secret: j('Tr0ub4dor', '&3xQ'), text: '' },
  { rule: 'generic-secret-assignment', secret: j('s3cr3t', 'Passw0rd9'), text: '' },
  { rule: 'generic-secret-assignment', secret: j('a1b2c3d4', 'e5f6a7b8Zq'), text: '' },
  { rule: 'generic-secret-assignment', secret: j('N0t', 'Guessable', '-2026'), text: '' },
  // The preset's and the older supplementary rules, so the counts cover what an agent meets.
  { rule: 'openai-api-key', secret: j('sk-proj', '-', fill(120, 130, URLSAFE)), text: '' },
  { rule: 'anthropic-api-key', secret: j('sk-ant', '-api03-', fill(93, 131, URLSAFE), 'AA'), text: '' },
  { rule: 'github-token', secret: j('ghp', '_', fill(36, 132)), text: '' },
  { rule: 'aws-access-key-id', secret: j('AKIA', fill(16, 133, UPPER_DIGITS)), text: '' },
  { rule: 'slack-token', secret: j('xoxb', '-', fill(12, 134, '0123456789'), '-', fill(13, 135, '0123456789'), '-', fill(24, 136)), text: '' },
  { rule: 'gcp-api-key', secret: j('AIza', fill(35, 137, URLSAFE)), text: '' },
  { rule: 'stripe-key', secret: j('sk', '_live_', fill(24, 138)), text: '' },
];

const withText: Record<string, (secret: string) => string> = {
  'azure-storage-key': (s) => `AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=agentlogs;AccountKey=${s};EndpointSuffix=core.windows.net"`,
  'azure-sas-token': (s) => `downloading https://agentlogs.blob.core.windows.net/runs/out.json?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-31&sig=${s}`,
  'discord-webhook-url': (s) => `notify: https://discord.com/api/webhooks/123456789012345678/${s}`,
  'mistral-api-key': (s) => `export MISTRAL_API_KEY=${s}`,
  'cohere-api-key': (s) => `COHERE_API_KEY="${s}"`,
  'together-api-key': (s) => `together_api_key: ${s}`,
  'twilio-auth-token': (s) => `TWILIO_AUTH_TOKEN=${s}`,
  'azure-openai-api-key': (s) => `AZURE_OPENAI_API_KEY = "${s}"`,
  'openai-api-key': (s) => `OPENAI_API_KEY=${s}`,
  'anthropic-api-key': (s) => `using key ${s} for claude`,
  'github-token': (s) => `git clone https://x:${s}@github.com/acme/app`,
  'aws-access-key-id': (s) => `aws_access_key_id = ${s}`,
  'slack-token': (s) => `SLACK_BOT_TOKEN=${s}`,
  'gcp-api-key': (s) => `maps key ${s}`,
  'stripe-key': (s) => `stripe.api_key = "${s}"`,
};
const GENERIC_SHAPES = [(s: string) => `password: "${s}"`, (s: string) => `api_key = "${s}"`, (s: string) => `db_password=${s}`, (s: string) => `{"client_secret": "${s}"}`];
let generic = 0;
for (const c of SECRETS) {
  if (c.text) continue;
  c.text = c.rule === 'generic-secret-assignment' ? GENERIC_SHAPES[generic++ % GENERIC_SHAPES.length]!(c.secret) : withText[c.rule]!(c.secret);
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A 1x1 transparent PNG and a 1x1 GIF, as an agent pastes screenshots and icons. */
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const GIF_1PX = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
const smallImage = Buffer.from(Array.from({ length: 600 }, (_, index) => (index * 217) % 251)).toString('base64');

/** What must come out exactly as it went in. */
export const NON_SECRETS: string[] = [
  sha1('commit 1'),
  `commit ${sha1('commit 2')}\nAuthor: Dev <dev@example.com>\n\n    fix the build`,
  `git checkout ${sha1('commit 3').slice(0, 7)} && git cherry-pick ${sha1('commit 4')}`,
  `Merge: ${sha1('a').slice(0, 12)} ${sha1('b').slice(0, 12)}`,
  randomUUID(),
  `session 6f1c2a8e-4b7d-4e2a-9c3f-1a2b3c4d5e6f started; run 0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b`,
  sha256('content'),
  `sha256:${sha256('layer')}`,
  `sha512-${createHash('sha512').update('pkg').digest('base64')}`,
  `"integrity": "sha512-${createHash('sha512').update('lock').digest('base64')}"`,
  `etag: "${createHash('md5').update('x').digest('hex')}"`,
  `data:image/png;base64,${PNG_1PX}`,
  `data:image/gif;base64,${GIF_1PX}`,
  `![screenshot](data:image/png;base64,${smallImage})`,
  '/home/agent/work/src/auth/password-reset.controller.ts',
  'C:\\Users\\dev\\AppData\\Local\\secrets\\README.md',
  './apps/api/src/auth/token-service.ts:42:7',
  'Enter your password: then press return.',
  'Use a strong password: at least 12 characters, mixed case.',
  'The password field is required; passwords are stored as bcrypt hashes.',
  'Reset password: click the link in the email we sent you.',
  'password = getpass.getpass("Password: ")',
  'const password = process.env.DB_PASSWORD;',
  'password: ${{ secrets.DB_PASSWORD }}',
  'password: <your-password-here>',
  'password: "********"',
  'api_key = os.environ["OPENAI_API_KEY"]',
  'token = request.headers.get("authorization")',
  'password_reset_url: https://example.com/account/reset?lang=en',
  'secret_name: my-app-secret',
  'tokenizer: cl100k_base',
  '{"inputTokens": 1200, "outputTokens": 300, "max_tokens": 4096}',
  'token_type: bearer',
  'access_token_expires_in: 3600',
  'passwordless login is enabled for this workspace',
  'The secret to good tests is real stores, not mocks.',
  'model: claude-sonnet-4-5-20250929 temperature=0.2 top_p=0.95',
  'https://github.com/acme/app/pull/1234/commits/' + sha1('pr'),
  'npm install @nestjs/throttler@6.7.1 --save',
  'arn:aws:iam::123456789012:role/agent-runner',
  '2026-12-01T21:24:55.123Z INFO request 01HZX3J8K9M2N4P6Q7R8S9T0V1 done in 42 ms',
  'color: #1a2b3c; background: #ffeedd;',
  'listening on 0.0.0.0:4000 (pid 12345)',
  'go: downloading golang.org/x/text v0.14.0\nh1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=',
  'cursor: eyJwb3NpdGlvbiI6MTIzNH0',
  `docker pull ghcr.io/acme/api@sha256:${sha256('image')}`,
  'SELECT id, password_hash FROM users WHERE email = $1',
  'Error: invalid token: expected 3 parts, got 2',
  'k8s secret "db-credentials" mounted at /var/run/secrets',
  'user 1234567890 wrote: see issue #42 at 10:30',
];

