import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RedactionError } from './finding';
import { Redactor } from './redactor';
import { ruleNameFor, tabledRuleName } from './rule-names';
import { importEsm, SecretlintEngine } from './secretlint-engine';
import { scanSupplementary } from './supplementary-rules';
import { ALNUM, fill, UPPER_DIGITS } from './testing/credential-corpus';

const DIGITS = '0123456789';

const base64url = (json: object): string => Buffer.from(JSON.stringify(json)).toString('base64url');

const fake = {
  openaiLegacy: ['sk', '-', fill(20, 1), 'T3BlbkFJ', fill(20, 2)].join(''),
  openaiProject: ['sk-proj', '-', fill(74, 3), 'T3BlbkFJ', fill(74, 4)].join(''),
  openaiProjectWithoutMarker: ['sk-proj', '-', fill(120, 5)].join(''),
  anthropic: ['sk-ant', '-api03-', fill(93, 6), 'AA'].join(''),
  anthropicAdmin: ['sk-ant', '-admin01-', fill(93, 7), 'AA'].join(''),
  awsAccessKeyId: ['AKIA', fill(16, 8, UPPER_DIGITS)].join(''),
  awsSecretAccessKey: [fill(20, 9, `${ALNUM}/+`), fill(20, 10)].join(''),
  githubClassic: ['ghp', '_', fill(36, 11)].join(''),
  githubFineGrained: ['github_pat', '_', fill(22, 12), '_', fill(59, 13)].join(''),
  slack: ['xoxb', '-', fill(12, 14, DIGITS), '-', fill(13, 15, DIGITS), '-', fill(24, 16)].join(''),
  googleApiKey: ['AIza', fill(35, 17)].join(''),
  stripe: ['sk', '_live_', fill(24, 18)].join(''),
  jwt: [
    base64url({ alg: 'HS256', typ: 'JWT' }),
    base64url({ sub: 'agent-7', scope: 'ledger:write', iat: 1767225600 }),
    fill(43, 19),
  ].join('.'),
  opaqueToken: ['ya29', '.', fill(60, 20)].join(''),
};

const pem = (type: 'rsa' | 'ec' | 'ed25519', encoding: 'pkcs1' | 'pkcs8' | 'sec1'): string => {
  const { privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 1024 })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return privateKey.export({ format: 'pem', type: encoding }) as string;
};

describe('Redactor', () => {
  const redactor = new Redactor();

  describe('one rule per credential kind', () => {
    it('openai-api-key: legacy sk- key (preset)', async () => {
      expect(await redactor.redact(`OPENAI_API_KEY=${fake.openaiLegacy}`)).toEqual({
        value: 'OPENAI_API_KEY=[REDACTED:openai-api-key]',
        rules: ['openai-api-key'],
      });
    });

    it('openai-api-key: sk-proj- key (preset)', async () => {
      expect(await redactor.redact(`client = OpenAI(api_key="${fake.openaiProject}")`)).toEqual({
        value: 'client = OpenAI(api_key="[REDACTED:openai-api-key]")',
        rules: ['openai-api-key'],
      });
    });

    it('openai-api-key: sk-proj- key without the T3BlbkFJ marker (supplementary)', async () => {
      expect(await redactor.redact(`key: ${fake.openaiProjectWithoutMarker}`)).toEqual({
        value: 'key: [REDACTED:openai-api-key]',
        rules: ['openai-api-key'],
      });
    });

    it('anthropic-api-key: sk-ant-api03- key (preset)', async () => {
      expect(await redactor.redact(`export ANTHROPIC_API_KEY=${fake.anthropic}`)).toEqual({
        value: 'export ANTHROPIC_API_KEY=[REDACTED:anthropic-api-key]',
        rules: ['anthropic-api-key'],
      });
    });

    it('anthropic-api-key: sk-ant-admin01- key (supplementary)', async () => {
      expect(await redactor.redact(`x-api-key: ${fake.anthropicAdmin}`)).toEqual({
        value: 'x-api-key: [REDACTED:anthropic-api-key]',
        rules: ['anthropic-api-key'],
      });
    });

    it('aws-access-key-id: AKIA… (preset, ID scan enabled)', async () => {
      expect(await redactor.redact(`aws_access_key_id = ${fake.awsAccessKeyId}`)).toEqual({
        value: 'aws_access_key_id = [REDACTED:aws-access-key-id]',
        rules: ['aws-access-key-id'],
      });
    });

    it('aws-secret-access-key: redacts the whole secret although the preset reports a shifted range', async () => {
      expect(await redactor.redact(`[default]\naws_secret_access_key = ${fake.awsSecretAccessKey}\nregion = eu-west-1`)).toEqual({
        value: '[default]\naws_secret_access_key = [REDACTED:aws-secret-access-key]\nregion = eu-west-1',
        rules: ['aws-secret-access-key'],
      });
    });

    it('aws-secret-access-key: the key name may be the object key', async () => {
      expect(await redactor.redact({ aws_secret_access_key: fake.awsSecretAccessKey, region: 'eu-west-1' })).toEqual({
        value: { aws_secret_access_key: '[REDACTED:aws-secret-access-key]', region: 'eu-west-1' },
        rules: ['aws-secret-access-key'],
      });
    });

    it('github-token: ghp_ classic token (preset)', async () => {
      expect(await redactor.redact(`git clone https://x:${fake.githubClassic}@github.com/acme/app`)).toEqual({
        value: 'git clone https://x:[REDACTED:github-token]@github.com/acme/app',
        rules: ['github-token'],
      });
    });

    it('github-token: github_pat_ fine-grained token (preset)', async () => {
      expect(await redactor.redact(`GH_TOKEN=${fake.githubFineGrained}`)).toEqual({
        value: 'GH_TOKEN=[REDACTED:github-token]',
        rules: ['github-token'],
      });
    });

    it('slack-token: xoxb- bot token (preset)', async () => {
      expect(await redactor.redact(`SLACK_BOT_TOKEN="${fake.slack}"`)).toEqual({
        value: 'SLACK_BOT_TOKEN="[REDACTED:slack-token]"',
        rules: ['slack-token'],
      });
    });

    it('gcp-api-key: AIza… (supplementary)', async () => {
      expect(await redactor.redact(`https://maps.googleapis.com/maps/api/geocode/json?key=${fake.googleApiKey}&address=x`)).toEqual({
        value: 'https://maps.googleapis.com/maps/api/geocode/json?key=[REDACTED:gcp-api-key]&address=x',
        rules: ['gcp-api-key'],
      });
    });

    it('stripe-key: sk_live_… (supplementary)', async () => {
      expect(await redactor.redact(`stripe.api_key = '${fake.stripe}'`)).toEqual({
        value: "stripe.api_key = '[REDACTED:stripe-key]'",
        rules: ['stripe-key'],
      });
    });

    it('jwt (supplementary)', async () => {
      expect(await redactor.redact(`session cookie: token=${fake.jwt}; Path=/`)).toEqual({
        value: 'session cookie: token=[REDACTED:jwt]; Path=/',
        rules: ['jwt'],
      });
    });

    it('bearer-token: Authorization header (supplementary); prose about bearer auth is left alone', async () => {
      expect(
        await redactor.redact(`curl -H "Authorization: Bearer ${fake.opaqueToken}" https://api.example.com # uses bearer authentication`),
      ).toEqual({
        value: 'curl -H "Authorization: Bearer [REDACTED:bearer-token]" https://api.example.com # uses bearer authentication',
        rules: ['bearer-token'],
      });
    });

    it('bearer-token: header given as a key/value pair', async () => {
      expect(await redactor.redact({ headers: { Authorization: 'Bearer abc123' } })).toEqual({
        value: { headers: { Authorization: 'Bearer [REDACTED:bearer-token]' } },
        rules: ['bearer-token'],
      });
    });

    it('basic-auth-header (supplementary)', async () => {
      const credentials = Buffer.from(`svc-ledger:${fill(16, 21)}`).toString('base64');
      expect(await redactor.redact(`Authorization: Basic ${credentials}`)).toEqual({
        value: 'Authorization: Basic [REDACTED:basic-auth-header]',
        rules: ['basic-auth-header'],
      });
    });

    it('private-key: multi-line RSA PEM (preset)', async () => {
      expect(await redactor.redact(`wrote id_rsa:\n${pem('rsa', 'pkcs1')}done`)).toEqual({
        value: 'wrote id_rsa:\n[REDACTED:private-key]\ndone',
        rules: ['private-key'],
      });
    });

    it('private-key: EC, Ed25519 and truncated PEM the preset misses (supplementary)', async () => {
      const truncated = pem('rsa', 'pkcs8').slice(0, 200);
      const result = await redactor.redact([pem('ec', 'sec1'), pem('ed25519', 'pkcs8'), `${truncated}"`]);
      expect(result).toEqual({
        value: ['[REDACTED:private-key]\n', '[REDACTED:private-key]\n', '[REDACTED:private-key]"'],
        rules: ['private-key'],
      });
    });

    it('postgres-connection-string (preset)', async () => {
      expect(await redactor.redact('DATABASE_URL=postgres://ledger:S3cr3t-Pa55@db.internal:5432/ledger')).toEqual({
        value: 'DATABASE_URL=[REDACTED:postgres-connection-string]',
        rules: ['postgres-connection-string'],
      });
    });

    it('basic-auth-url: password in an https URL (preset)', async () => {
      expect(await redactor.redact('GET https://alice:Tr0ub4dor3@api.example.com/v1/items')).toEqual({
        value: 'GET [REDACTED:basic-auth-url]/v1/items',
        rules: ['basic-auth-url'],
      });
    });

    it('password-in-url: placeholder-looking and non-http URLs the preset skips (supplementary)', async () => {
      expect(
        await redactor.redact(['postgres://user:pass@host', 'redis://:p%40ss!w0rd@cache:6379/0', 'amqp://app:h@ck3d@mq/vhost']),
      ).toEqual({
        value: [
          'postgres://user:[REDACTED:password-in-url]@host',
          'redis://:[REDACTED:password-in-url]@cache:6379/0',
          'amqp://app:[REDACTED:password-in-url]@mq/vhost',
        ],
        rules: ['password-in-url'],
      });
    });
  });

  describe('structure', () => {
    it('redacts strings at any depth of objects and arrays', async () => {
      const input = {
        tool: 'http',
        calls: [{ request: { headers: [`x-goog-api-key: ${fake.googleApiKey}`] } }, { output: [[`token ${fake.githubClassic}`]] }],
      };
      expect(await redactor.redact(input)).toEqual({
        value: {
          tool: 'http',
          calls: [
            { request: { headers: ['x-goog-api-key: [REDACTED:gcp-api-key]'] } },
            { output: [['token [REDACTED:github-token]']] },
          ],
        },
        rules: ['gcp-api-key', 'github-token'],
      });
    });

    it('leaves non-string leaves untouched', async () => {
      const when = new Date('2026-01-01T00:00:00Z');
      const input = [42, -0.5, true, false, null, { n: 1, nested: [null, 2.5, { ok: true }] }, when];
      const [result] = await redactor.redactBatch([input]);
      expect(result).toEqual({ value: [42, -0.5, true, false, null, { n: 1, nested: [null, 2.5, { ok: true }] }, when], rules: [] });
      expect((result!.value as unknown[])[6]).toBe(when);
    });

    it('does not mutate its input and returns a copy', async () => {
      const input = { note: `key ${fake.stripe}`, list: [fake.slack, 1] };
      const snapshot = structuredClone(input);
      const result = await redactor.redact(input);
      expect(input).toEqual(snapshot);
      expect(result.value).not.toBe(input);
      expect((result.value as typeof input).list).not.toBe(input.list);
    });

    it('lists each rule once, sorted', async () => {
      const input = { a: [fake.slack, fake.githubClassic], b: `${fake.githubFineGrained} ${fake.jwt}`, c: fake.slack };
      expect((await redactor.redact(input)).rules).toEqual(['github-token', 'jwt', 'slack-token']);
    });

    it('returns clean text unchanged with no rules', async () => {
      const text =
        'Deployed build 4f2a9c1 to https://api.example.com:8443/v1/health (200 OK, 35 ms). ' +
        'Auth uses bearer authentication; see docs at https://example.com/auth?mode=oauth#tokens.';
      expect(await redactor.redact(text)).toEqual({ value: text, rules: [] });
    });

    it('maps findings in a batch to the values they came from', async () => {
      const results = await redactor.redactBatch([
        { type: 'TOOL_CALL', input: 'ls -la' },
        { type: 'TOOL_RESULT', output: `export GITHUB_TOKEN=${fake.githubClassic}` },
        'plain text',
        42,
        [`slack: ${fake.slack}`],
        { type: 'LOG', message: 'done' },
      ]);
      expect(results).toEqual([
        { value: { type: 'TOOL_CALL', input: 'ls -la' }, rules: [] },
        { value: { type: 'TOOL_RESULT', output: 'export GITHUB_TOKEN=[REDACTED:github-token]' }, rules: ['github-token'] },
        { value: 'plain text', rules: [] },
        { value: 42, rules: [] },
        { value: ['slack: [REDACTED:slack-token]'], rules: ['slack-token'] },
        { value: { type: 'LOG', message: 'done' }, rules: [] },
      ]);
    });

    it('redacts two credentials in one string', async () => {
      expect(await redactor.redact(`gh=${fake.githubClassic} slack=${fake.slack}`)).toEqual({
        value: 'gh=[REDACTED:github-token] slack=[REDACTED:slack-token]',
        rules: ['github-token', 'slack-token'],
      });
    });

    it('labels overlapping findings once, with the widest (a JWT sent as a bearer token)', async () => {
      expect(await redactor.redact(`Authorization: Bearer ${fake.jwt}`)).toEqual({
        value: 'Authorization: Bearer [REDACTED:jwt]',
        rules: ['jwt'],
      });
    });

    it('redacts object keys, numbering keys that collide once redacted', async () => {
      const input = { [fake.githubClassic]: 'repo-a', [['ghp', '_', fill(36, 30)].join('')]: 'repo-b', owner: 'acme' };
      expect(await redactor.redact(input)).toEqual({
        value: { '[REDACTED:github-token]': 'repo-a', '[REDACTED:github-token]#2': 'repo-b', owner: 'acme' },
        rules: ['github-token'],
      });
    });

    it('keeps a "__proto__" key as data, not as a prototype', async () => {
      const input = JSON.parse(`{"__proto__": {"token": "${fake.githubClassic}"}}`) as object;
      const { value } = await redactor.redact(input);
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ token: '[REDACTED:github-token]' });
    });

    it('keeps offsets right after a string starting with a byte order mark', async () => {
      expect(await redactor.redactBatch([`\uFEFF${fake.githubClassic}`, `\uFEFFx ${fake.slack}`])).toEqual([
        { value: '\uFEFF[REDACTED:github-token]', rules: ['github-token'] },
        { value: '\uFEFFx [REDACTED:slack-token]', rules: ['slack-token'] },
      ]);
    });

    it('never lets a finding spill from one string into the next', async () => {
      expect(await redactor.redactBatch([['-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B', 'next value'], 'status ok'])).toEqual([
        { value: ['[REDACTED:private-key]', 'next value'], rules: ['private-key'] },
        { value: 'status ok', rules: [] },
      ]);
    });

    it('ignores secretlint-disable directives written into payloads', async () => {
      expect(await redactor.redactBatch(['<!-- secretlint-disable -->', `token ${fake.githubClassic}`])).toEqual([
        { value: '<!-- secretlint-disable -->', rules: [] },
        { value: 'token [REDACTED:github-token]', rules: ['github-token'] },
      ]);
    });

    it('handles empty batches, empty strings and empty containers', async () => {
      expect(await redactor.redactBatch([])).toEqual([]);
      expect(await redactor.redactBatch(['', {}, [], { '': '' }])).toEqual([
        { value: '', rules: [] },
        { value: {}, rules: [] },
        { value: [], rules: [] },
        { value: { '': '' }, rules: [] },
      ]);
    });

    it('redacts every credential of a batch scanned in several chunks', async () => {
      const prose = 'lorem ipsum dolor sit amet '.repeat(8);
      const tokens = Array.from({ length: 300 }, (_, i) => ['ghp', '_', fill(36, 100 + i)].join(''));
      const results = await redactor.redactBatch(tokens.map((token) => `\uFEFF${prose}${token}`));
      expect(results).toEqual(tokens.map(() => ({ value: `\uFEFF${prose}[REDACTED:github-token]`, rules: ['github-token'] })));
    });

    it('rejects values nested deeper than 1000 levels, and accepts 1000', async () => {
      const nest = (depth: number): unknown => {
        let value: unknown = fake.githubClassic;
        for (let i = 0; i < depth; i++) value = [value];
        return value;
      };
      await expect(redactor.redact(nest(1001))).rejects.toThrow('value 0 is nested more than 1000 levels deep');
      expect((await redactor.redact(nest(1000))).rules).toEqual(['github-token']);
    });

    it('rejects a cyclic value without quoting it', async () => {
      const cyclic: Record<string, unknown> = { token: fake.githubClassic };
      cyclic.self = cyclic;
      const failure = redactor.redactBatch(['ok', cyclic]);
      await expect(failure).rejects.toThrow(RedactionError);
      await expect(failure).rejects.toThrow('value 1 contains a reference cycle');
    });
  });

  it('leaves no performance marks behind (secretlint profiler silenced)', async () => {
    await redactor.warmUp();
    const before = performance.getEntriesByType('mark').length;
    await redactor.redactBatch([`token ${fake.githubClassic}`, { a: 'b' }]);
    expect(performance.getEntriesByType('mark').length).toBe(before);
  });
});

/**
 * Pins down which credentials rely on the maintained preset and which on our own rules, so that a
 * secretlint upgrade that drops or starts covering one shows up here.
 */
describe('detection coverage', () => {
  const preset: Array<[string, string]> = [
    ['openai-api-key', fake.openaiLegacy],
    ['openai-api-key', fake.openaiProject],
    ['anthropic-api-key', fake.anthropic],
    ['aws-access-key-id', fake.awsAccessKeyId],
    ['aws-secret-access-key', `AWS_SECRET_ACCESS_KEY=${fake.awsSecretAccessKey}`],
    ['github-token', fake.githubClassic],
    ['github-token', fake.githubFineGrained],
    ['slack-token', fake.slack],
    ['private-key', pem('rsa', 'pkcs8')],
    ['postgres-connection-string', 'postgres://ledger:S3cr3t-Pa55@db.internal/ledger'],
    ['basic-auth-url', 'https://alice:Tr0ub4dor3@api.example.com'],
  ];
  const supplementary: Array<[string, string]> = [
    ['openai-api-key', fake.openaiProjectWithoutMarker],
    ['anthropic-api-key', fake.anthropicAdmin],
    ['gcp-api-key', fake.googleApiKey],
    ['stripe-key', fake.stripe],
    ['jwt', fake.jwt],
    ['bearer-token', `Authorization: Bearer ${fake.opaqueToken}`],
    ['basic-auth-header', 'Authorization: Basic c3ZjOmh1bnRlcjI='],
    ['private-key', pem('ec', 'sec1')],
    ['private-key', pem('ed25519', 'pkcs8')],
    ['password-in-url', 'redis://:hunter2@cache:6379'],
  ];

  async function presetRules(text: string): Promise<string[]> {
    const engine = await SecretlintEngine.load();
    return (await engine.scan(text)).map((finding) => finding.rule);
  }

  it.each(preset)('the secretlint preset detects %s', async (rule, text) => {
    expect(await presetRules(text)).toContain(rule);
  });

  it.each(supplementary)('only the supplementary rules detect %s', async (rule, text) => {
    expect(await presetRules(text)).not.toContain(rule);
    expect(scanSupplementary(text).map((finding) => finding.rule)).toContain(rule);
  });
});

describe('rule names', () => {
  it('has a stable name for every message the preset can report', async () => {
    const preset = await importEsm<{ rules: Array<{ meta: { id: string }; messages: object }> }>(
      require.resolve('@secretlint/secretlint-rule-preset-recommend'),
    );
    const notRedacted = new Set(['@secretlint/secretlint-rule-filter-comments', '@secretlint/secretlint-rule-aws/AWSAccountID']);
    const missing = preset.rules.flatMap((rule) =>
      Object.keys(rule.messages)
        .filter((messageId) => !notRedacted.has(rule.meta.id) && !notRedacted.has(`${rule.meta.id}/${messageId}`))
        .filter((messageId) => tabledRuleName(rule.meta.id, messageId) === undefined)
        .map((messageId) => `${rule.meta.id}/${messageId}`),
    );
    expect(missing).toEqual([]);
  });

  it('derives a name for messages a future preset adds', () => {
    expect(ruleNameFor('@secretlint/secretlint-rule-example', 'EXAMPLE_TOKEN')).toBe('example-example-token');
    expect(ruleNameFor('@secretlint/secretlint-rule-acme-cloud', 'PrivateKeyJSON')).toBe('acme-cloud-private-key-json');
  });
});
