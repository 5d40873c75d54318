/**
 * The pre-filter in front of the credential rules. Every rule (secretlint's preset and ours) has
 * a trigger: a cheap pattern that every text the rule can report must contain (a literal prefix
 * of the rule's own pattern, or the name it needs before the value). The batch text is searched
 * for all triggers in two passes (case-sensitive and case-insensitive alternations), and only the
 * segments holding a trigger (a segment is one scanned string, or an object key with its string
 * value, between two separators: no rule can match across a separator) are handed to the rules.
 * A batch of agent transcripts without any credential-shaped text then costs two regex passes
 * instead of ~50.
 *
 * A trigger must be implied by its rule: whatever the rule reports, the trigger matches inside
 * the same segment. Tests check that every rule's true positive passes its trigger, that every
 * preset rule has one, and that a batch redacts identically with and without the pre-filter.
 */
export interface TriggeredRule {
  name: string;
  trigger: RegExp;
}

/**
 * Triggers of @secretlint/secretlint-rule-preset-recommend 11.x, by rule id. A preset that loads a
 * rule this table does not know switches the pre-filter off (everything is scanned), so an upgrade
 * can never silently skip a new rule; a unit test fails so that someone adds its trigger here.
 */
export const PRESET_TRIGGERS: Readonly<Record<string, readonly RegExp[]>> = {
  // AWSAccessKeyID `\b(A3T[A-Z0-9]|AKIA|…)[A-Z0-9]{16}\b`; AWSSecretAccessKey needs the name
  // (SECRET|secret|Secret)_?(ACCESS|…)_?(KEY|…); AWSAccountID is never reported (allowMessageIds).
  '@secretlint/secretlint-rule-aws': [/(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}/, /secret_?access_?key/i],
  // Only scans .json and .p12 files; the batch is scanned as a .txt file. Kept in case that changes.
  '@secretlint/secretlint-rule-gcp': [/PRIVATE KEY/],
  '@secretlint/secretlint-rule-privatekey': [/PRIVATE KEY/],
  // npm_ tokens; the x-oauth-basic and _authToken checks run only on package.json / .npmrc files.
  '@secretlint/secretlint-rule-npm': [/npm_/, /_authToken=/, /:x-oauth-basic@/],
  // `(https?|ftp|ftps)://user:password@…`: user and password hold neither `/` nor white space.
  '@secretlint/secretlint-rule-basicauth': [/:\/\/[^\s/]*@/],
  '@secretlint/secretlint-rule-slack': [/xox[bpaor]-|xapp-/, /hooks\.slack\.com/i],
  '@secretlint/secretlint-rule-sendgrid': [/SG\./],
  '@secretlint/secretlint-rule-shopify': [/shp(?:pa|ca|at|ss)_/],
  '@secretlint/secretlint-rule-github': [/gh[pousr]_|github_pat_/],
  // Both of its shapes hold the T3BlbkFJ marker.
  '@secretlint/secretlint-rule-openai': [/T3BlbkFJ/],
  '@secretlint/secretlint-rule-anthropic': [/sk-ant-api0/],
  '@secretlint/secretlint-rule-linear': [/lin_api_/],
  '@secretlint/secretlint-rule-1password': [/ops_ey/],
  // mongodb/mysql/postgres URIs are reported only with a user and a password: `://user:password@`,
  // neither holding `/` or white space.
  '@secretlint/secretlint-rule-database-connection-string': [/:\/\/[^\s/]*@/],
};

/** Finds the segments of a text that hold any trigger. */
export class Prefilter {
  private readonly patterns: RegExp[];

  constructor(triggers: Iterable<RegExp>) {
    const exact = new Set<string>();
    const folded = new Set<string>();
    for (const trigger of triggers) {
      if (trigger.flags.replace(/[gi]/g, '') !== '') throw new Error(`trigger /${trigger.source}/${trigger.flags}: only the i flag is allowed`);
      (trigger.ignoreCase ? folded : exact).add(trigger.source);
    }
    this.patterns = [
      ...(exact.size ? [new RegExp([...exact].map((source) => `(?:${source})`).join('|'), 'g')] : []),
      ...(folded.size ? [new RegExp([...folded].map((source) => `(?:${source})`).join('|'), 'gi')] : []),
    ];
  }

  /**
   * Indices of the segments of `text` that hold a trigger, ascending. `starts` are the segments'
   * start offsets, ascending, the first one 0. A segment found once is not searched again.
   */
  segments(text: string, starts: readonly number[]): number[] {
    const marked = new Uint8Array(starts.length);
    for (const pattern of this.patterns) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        const segment = segmentAt(starts, match.index);
        marked[segment] = 1;
        pattern.lastIndex = segment + 1 < starts.length ? Math.max(starts[segment + 1]!, match.index + 1) : text.length;
      }
    }
    const found: number[] = [];
    marked.forEach((flag, index) => {
      if (flag) found.push(index);
    });
    return found;
  }
}

/** The last segment starting at or before `offset`. */
export function segmentAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
