import { generateKeyPairSync } from 'node:crypto';
import { seededRandom } from '@ledger/domain';
import { Prefilter, PRESET_TRIGGERS, segmentAt } from './prefilter';
import { Redactor } from './redactor';
import { SecretlintEngine } from './secretlint-engine';
import { ALL_RULES } from './supplementary-rules';
import { NON_SECRETS, SECRETS } from './testing/credential-corpus';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const word = (random: () => number, length: number, alphabet = ALNUM) =>
  Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');

/** Credential-shaped text the coverage corpus does not hold: preset-only shapes and near misses. */
function extraFragments(random: () => number): string[] {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }) as string;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  return [
    ec,
    rsa,
    rsa.slice(0, 200),
    `aws_secret_access_key = ${word(random, 40)}`,
    `AWS_SECRET_ACCESS_KEY=${word(random, 40)}`,
    ['sk', '-', word(random, 20), 'T3BlbkFJ', word(random, 20)].join(''),
    ['xoxp', '-', '1234567890', '-', word(random, 24)].join(''),
    ['https://hooks.slack.com/services/T', word(random, 8), '/B', word(random, 8), '/', word(random, 24)].join(''),
    ['SG.', word(random, 22), '.', word(random, 43)].join(''),
    ['shpat', '_', word(random, 32, 'abcdef0123456789')].join(''),
    ['lin_api', '_', word(random, 40)].join(''),
    ['npm', '_', word(random, 36)].join(''),
    'postgres://ledger:S3cr3t-Pa55@db.internal/ledger',
    'mongodb+srv://app:Zx9-qq7Lm@cluster0.example.net/db?retryWrites=true',
    'mysql://root:r00tPw-x7@10.0.0.5:3306/app',
    'https://alice:Tr0ub4dor3@api.example.com',
    'redis://:hunter2@cache:6379',
    `Authorization: Bearer ${word(random, 40)}`,
    ['eyJ', word(random, 20), '.eyJ', word(random, 30), '.', word(random, 43)].join(''),
    'Authorization: Basic c3ZjOmh1bnRlcjI=',
    'bearer authentication is described in RFC 6750',
    `curl -H 'authorization: bearer ${word(random, 30)}' https://x.example`,
    'https://example.com/path?q=1',
    'email me at dev@example.com',
    'https://user@example.com/no-password',
    '-----BEGIN PUBLIC KEY-----',
    'the api key is configured in settings',
  ];
}

describe('credential pre-filter', () => {
  const filtered = new Redactor();
  const unfiltered = new Redactor({ prefilter: false });
  beforeAll(() => filtered.warmUp(), 30_000);

  it('has a trigger for every rule the secretlint preset loads, and none for rules it does not', async () => {
    const engine = await SecretlintEngine.load();
    expect(engine.ruleIds.filter((id) => PRESET_TRIGGERS[id] === undefined)).toEqual([]);
    expect(Object.keys(PRESET_TRIGGERS).filter((id) => !engine.ruleIds.includes(id))).toEqual([]);
  });

  it('passes every match of every supplementary rule in the corpus through the rule trigger', () => {
    const random = seededRandom(7);
    const texts = [...SECRETS.map((c) => c.text), ...NON_SECRETS, ...extraFragments(random)];
    const matchedRules = new Set<string>();
    for (const rule of ALL_RULES) {
      for (const text of texts) {
        const pattern = new RegExp(rule.pattern.source, rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`);
        for (const match of text.matchAll(pattern)) {
          matchedRules.add(rule.name);
          expect({ rule: rule.name, match: match[0], passes: rule.trigger.test(match[0]) }).toEqual({ rule: rule.name, match: match[0], passes: true });
        }
      }
    }
    // Not vacuous: every rule matched something.
    expect(ALL_RULES.map((rule) => rule.name).filter((name) => !matchedRules.has(name))).toEqual([]);
  });

  it('finds the segments holding a trigger, and only those', () => {
    const prefilter = new Prefilter([/AKIA/, /bearer /i]);
    const text = '\n\0plain text\n\0key: AKIA1234\n\0x\n\0BEARER abc\n\0';
    const starts = [...text.matchAll(/\n\0/g)].map((match) => match.index);
    expect(starts).toEqual([0, 12, 27, 30, 42]);
    expect(prefilter.segments(text, starts)).toEqual([1, 3]);
    expect(segmentAt(starts, 0)).toBe(0);
    expect(segmentAt(starts, 12)).toBe(1);
    expect(segmentAt(starts, 29)).toBe(2);
    expect(segmentAt(starts, 100)).toBe(4);
    expect(() => new Prefilter([/x/m])).toThrow(/only the i flag/);
  });

  it.each(SECRETS.map((c) => [c.rule, c] as const))('redacts %s exactly as the full scan does', async (_rule, c) => {
    const expected = await unfiltered.redact(c.text);
    expect(expected.rules).toContain(c.rule);
    expect(await filtered.redact(c.text)).toEqual(expected);
  });

  it('redacts random batches of credential-shaped and ordinary text exactly as the full scan does', async () => {
    const random = seededRandom(20261202);
    const fragments = [...SECRETS.map((c) => c.text), ...SECRETS.map((c) => c.secret), ...NON_SECRETS, ...extraFragments(random)];
    const keys = ['message', 'output', 'authorization', 'Authorization', 'password', 'aws_secret_access_key', 'token', 'api_key', 'url', 'args', 'env', 'MISTRAL_API_KEY'];
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const text = (): string => {
      const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const fragment = pick(fragments);
        if (random() < 0.2) {
          const from = Math.floor(random() * fragment.length);
          return fragment.slice(from, from + 1 + Math.floor(random() * 80));
        }
        return fragment;
      });
      return parts.join(pick([' ', '\n', '', ': ', '=', ' and ']));
    };
    const value = (depth: number): unknown => {
      const roll = random();
      if (depth > 2 || roll < 0.5) return text();
      if (roll < 0.6) return Math.floor(random() * 1000);
      if (roll < 0.8) return Array.from({ length: 1 + Math.floor(random() * 3) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 3) }, () => [random() < 0.3 ? text().slice(0, 60) : pick(keys), value(depth + 1)]));
    };
    let rules = 0;
    for (let batch = 0; batch < 40; batch++) {
      const values = Array.from({ length: 50 }, () => Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(keys), value(0)])));
      const expected = await unfiltered.redactBatch(values);
      expect(await filtered.redactBatch(values)).toEqual(expected);
      rules += expected.reduce((n, result) => n + result.rules.length, 0);
    }
    // Not vacuous: the batches held plenty of credentials.
    expect(rules).toBeGreaterThan(500);
  }, 60_000);

  it('leaves every non-secret of the corpus untouched, as the full scan does', async () => {
    for (const text of NON_SECRETS) expect(await filtered.redact(text)).toEqual({ value: text, rules: [] });
  });
});
