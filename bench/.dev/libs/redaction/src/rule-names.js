"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.tabledRuleName = tabledRuleName;
exports.ruleNameFor = ruleNameFor;
/**
 * Names that appear in `[REDACTED:<name>]` markers and in event metadata. They are part of the
 * stored record, so they must stay stable across secretlint upgrades: a rule id or message id
 * renamed upstream must not silently change what old and new events say. Hence an explicit table
 * rather than a name computed from whatever secretlint reports.
 *
 * | secretlint rule (`@secretlint/secretlint-rule-…`) | message id               | name                              |
 * | ------------------------------------------------- | ------------------------ | --------------------------------- |
 * | `openai`                                          | `OPENAI_TOKEN`           | `openai-api-key`                  |
 * | `anthropic`                                       | `ANTHROPIC_API_KEY`      | `anthropic-api-key`               |
 * | `aws`                                             | `AWSAccessKeyID`         | `aws-access-key-id`               |
 * | `aws`                                             | `AWSSecretAccessKey`     | `aws-secret-access-key`           |
 * | `aws`                                             | `AWSAccountID`           | not redacted (an id, not a secret)|
 * | `github`                                          | `GITHUB_TOKEN`           | `github-token`                    |
 * | `npm`                                             | `PackageJSON_xOauthToken`| `github-token`                    |
 * | `npm`                                             | `NPM_ACCESS_TOKEN`       | `npm-token`                       |
 * | `npm`                                             | `Npmrc_authToken`        | `npm-token`                       |
 * | `slack`                                           | `SLACK_TOKEN`            | `slack-token`                     |
 * | `slack`                                           | `IncomingWebhook`        | `slack-webhook-url`               |
 * | `gcp`                                             | `PrivateKeyJSON`/`P12`   | `gcp-service-account-key`         |
 * | `privatekey`                                      | `PrivateKey`             | `private-key`                     |
 * | `basicauth`                                       | `BasicAuth`              | `basic-auth-url`                  |
 * | `database-connection-string`                      | `PostgreSQLConnection`   | `postgres-connection-string`      |
 * | `database-connection-string`                      | `MySQLConnection`        | `mysql-connection-string`         |
 * | `database-connection-string`                      | `MongoDBConnection`      | `mongodb-connection-string`       |
 * | `sendgrid`                                        | `SENDGRID_KEY`           | `sendgrid-api-key`                |
 * | `shopify`                                         | `SHOPIFY_KEY`            | `shopify-token`                   |
 * | `linear`                                          | `LINEAR_API_TOKEN`       | `linear-api-key`                  |
 * | `1password`                                       | `OPS_TOKEN`              | `1password-service-account-token` |
 *
 * Supplementary rules (see supplementary-rules.ts) use the same vocabulary: `openai-api-key`,
 * `anthropic-api-key`, `private-key`, `gcp-api-key`, `stripe-key`, `jwt`, `bearer-token`,
 * `basic-auth-header`, `password-in-url`.
 */
const PRESET_RULE_NAMES = {
    '@secretlint/secretlint-rule-openai': { OPENAI_TOKEN: 'openai-api-key' },
    '@secretlint/secretlint-rule-anthropic': { ANTHROPIC_API_KEY: 'anthropic-api-key' },
    '@secretlint/secretlint-rule-aws': {
        AWSAccessKeyID: 'aws-access-key-id',
        AWSSecretAccessKey: 'aws-secret-access-key',
    },
    '@secretlint/secretlint-rule-github': { GITHUB_TOKEN: 'github-token' },
    '@secretlint/secretlint-rule-npm': {
        PackageJSON_xOauthToken: 'github-token',
        NPM_ACCESS_TOKEN: 'npm-token',
        Npmrc_authToken: 'npm-token',
    },
    '@secretlint/secretlint-rule-slack': { SLACK_TOKEN: 'slack-token', IncomingWebhook: 'slack-webhook-url' },
    '@secretlint/secretlint-rule-gcp': {
        PrivateKeyJSON: 'gcp-service-account-key',
        PrivateKeyP12: 'gcp-service-account-key',
    },
    '@secretlint/secretlint-rule-privatekey': { PrivateKey: 'private-key' },
    '@secretlint/secretlint-rule-basicauth': { BasicAuth: 'basic-auth-url' },
    '@secretlint/secretlint-rule-database-connection-string': {
        PostgreSQLConnection: 'postgres-connection-string',
        MySQLConnection: 'mysql-connection-string',
        MongoDBConnection: 'mongodb-connection-string',
    },
    '@secretlint/secretlint-rule-sendgrid': { SENDGRID_KEY: 'sendgrid-api-key' },
    '@secretlint/secretlint-rule-shopify': { SHOPIFY_KEY: 'shopify-token' },
    '@secretlint/secretlint-rule-linear': { LINEAR_API_TOKEN: 'linear-api-key' },
    '@secretlint/secretlint-rule-1password': { OPS_TOKEN: '1password-service-account-token' },
};
const RULE_ID_PREFIX = '@secretlint/secretlint-rule-';
function tabledRuleName(ruleId, messageId) {
    return PRESET_RULE_NAMES[ruleId]?.[messageId];
}
/**
 * A rule or message added by a future preset still gets redacted (failing open would leak it);
 * its name is derived mechanically until someone adds it to the table above.
 */
function ruleNameFor(ruleId, messageId) {
    const known = tabledRuleName(ruleId, messageId);
    if (known !== undefined)
        return known;
    const rule = ruleId.startsWith(RULE_ID_PREFIX) ? ruleId.slice(RULE_ID_PREFIX.length) : ruleId;
    return `${kebab(rule)}-${kebab(messageId)}`;
}
function kebab(identifier) {
    return identifier
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
        .replace(/[^A-Za-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .toLowerCase();
}
//# sourceMappingURL=rule-names.js.map