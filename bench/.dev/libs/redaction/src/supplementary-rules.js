"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.scanSupplementary = scanSupplementary;
/** `Authorization: Bearer`, `"authorization": "Bearer`, `authorization=Bearer`, case-insensitively. */
const AUTHORIZATION_BEFORE = /authorization["']?\s*[:=]\s*["']?$/i;
/**
 * Outside an Authorization header, "bearer <word>" is often prose ("bearer authentication"); a
 * credential is long and not a plain lowercase word.
 */
function isBearerCredential(match, content) {
    const token = match[2] ?? '';
    if (AUTHORIZATION_BEFORE.test(content.slice(Math.max(0, match.index - 40), match.index)))
        return true;
    return token.length >= 16 && /[^a-z]/.test(token);
}
const PEM_BODY = String.raw `[A-Za-z0-9+/=\s\\:,-]`;
/** Order matters only for ties of equal width: the more specific rule comes first. */
const SUPPLEMENTARY_RULES = [
    {
        name: 'private-key',
        // Ends at the END line, or where the base64 body stops (a truncated key is still a secret).
        pattern: new RegExp(String.raw `-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----${PEM_BODY}*?` +
            String.raw `(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----|(?!${PEM_BODY}))`, 'g'),
    },
    { name: 'openai-api-key', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}/g },
    { name: 'anthropic-api-key', pattern: /(?<![A-Za-z0-9_-])sk-ant-[a-z]{2,12}\d{2}-[A-Za-z0-9_-]{20,}/g },
    { name: 'gcp-api-key', pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
    { name: 'stripe-key', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9_])/g },
    { name: 'jwt', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g },
    {
        name: 'bearer-token',
        pattern: /(?<![A-Za-z0-9_-])(bearer[ \t]+)([A-Za-z0-9._~+/-]*[A-Za-z0-9_~+/-]=*)/dgi,
        group: 2,
        accept: isBearerCredential,
    },
    {
        name: 'basic-auth-header',
        pattern: /(authorization["']?\s*[:=]\s*["']?basic[ \t]+)([A-Za-z0-9+/]{4,}=*)/dgi,
        group: 2,
    },
    {
        name: 'password-in-url',
        // Anchored on `://` rather than on the scheme: a scheme-first pattern is tried at every letter
        // and cost more than all the other rules together. The password runs to the *last* `@` of the
        // authority, so an unencoded `@` in it is still covered.
        pattern: /:\/\/[^\s:@/?#]*:([^\s/?#]+)@/dg,
        group: 1,
    },
];
/** Rank offset so that every supplementary finding loses ties against the preset's (rank 0). */
const RANK_BASE = 1;
function scanSupplementary(content) {
    const findings = [];
    SUPPLEMENTARY_RULES.forEach((rule, index) => {
        const pattern = rule.pattern;
        pattern.lastIndex = 0;
        for (let match = pattern.exec(content); match !== null; match = pattern.exec(content)) {
            if (rule.accept !== undefined && !rule.accept(match, content))
                continue;
            const span = rule.group === undefined ? undefined : match.indices?.[rule.group];
            const start = span === undefined ? match.index : span[0];
            const end = span === undefined ? match.index + match[0].length : span[1];
            if (end > start)
                findings.push({ start, end, rule: rule.name, rank: RANK_BASE + index });
        }
    });
    return findings;
}
//# sourceMappingURL=supplementary-rules.js.map