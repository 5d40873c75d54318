import { AGENT_PROVIDER_RULES, entropyOf, looksLikeSecret } from './agent-provider-rules';
import { Redactor } from './redactor';

import { NON_SECRETS, SECRETS } from './testing/credential-corpus';

describe('credential coverage: agent providers and generic assignments', () => {
  const redactor = new Redactor();
  beforeAll(() => redactor.warmUp(), 30_000);

  it.each(SECRETS.map((c) => [c.rule, c] as const))('catches %s', async (_rule, c) => {
    const { value, rules } = await redactor.redact(c.text);
    expect(String(value)).not.toContain(c.secret);
    expect(String(value)).toContain(`[REDACTED:${c.rule}]`);
    expect(rules).toContain(c.rule);
  });

  it('catches the same credentials as object values and keys of event data', async () => {
    const [secret] = SECRETS.filter((c) => c.rule === 'groq-api-key');
    const { value } = await redactor.redact({ env: { GROQ_API_KEY: secret!.secret }, [secret!.secret]: 1, list: [`key ${secret!.secret}`] });
    expect(JSON.stringify(value)).not.toContain(secret!.secret);
  });

  it.each(NON_SECRETS.map((text, index) => [index, text] as const))('leaves non-secret %i untouched', async (_index, text) => {
    const { value, rules } = await redactor.redact(text);
    expect(rules).toEqual([]);
    expect(value).toBe(text);
  });

  it('reports both counts: caught / secrets and untouched / non-secrets', async () => {
    let caught = 0;
    for (const c of SECRETS) {
      const redacted = String((await redactor.redact(c.text)).value);
      if (!redacted.includes(c.secret) && redacted.includes(`[REDACTED:${c.rule}]`)) caught++;
    }
    let untouched = 0;
    for (const text of NON_SECRETS) if ((await redactor.redact(text)).value === text) untouched++;
    process.stdout.write(`credential coverage: caught ${caught}/${SECRETS.length} secrets, untouched ${untouched}/${NON_SECRETS.length} non-secrets\n`);
    expect(caught).toBe(SECRETS.length);
    expect(untouched).toBe(NON_SECRETS.length);
  });

  it('has a true positive for every rule', () => {
    const tested = new Set(SECRETS.map((c) => c.rule));
    expect(AGENT_PROVIDER_RULES.map((rule) => rule.name).filter((name) => !tested.has(name))).toEqual([]);
  });

  it('measures entropy the usual way and needs a random-looking value for a generic assignment', () => {
    expect(entropyOf('aaaa')).toBe(0);
    expect(entropyOf('abcd')).toBe(2);
    expect(looksLikeSecret('hunter22')).toBe(false);
    expect(looksLikeSecret('getpass.getpass("x")')).toBe(false);
    expect(looksLikeSecret('Tr0ub4dor&3xQ')).toBe(true);
  });
});
