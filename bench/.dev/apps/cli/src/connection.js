"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEV_KEY_FILE = exports.DEFAULT_URL = void 0;
exports.devKeyFile = devKeyFile;
exports.resolveConnection = resolveConnection;
exports.keyShellHint = keyShellHint;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const errors_1 = require("./errors");
exports.DEFAULT_URL = 'http://localhost:4000/graphql';
/** Where the embedded default keeps the ADMIN key it makes on first start (see apps/api auth). */
exports.DEV_KEY_FILE = 'dev-api-key.json';
function readIfExists(path) {
    return (0, node_fs_1.existsSync)(path) ? (0, node_fs_1.readFileSync)(path, 'utf8') : null;
}
/** The dev key file of the embedded default: $DATA_DIR/dev-api-key.json, DATA_DIR defaulting to ./data. */
function devKeyFile(env, cwd) {
    return (0, node_path_1.join)((0, node_path_1.resolve)(cwd, env.DATA_DIR || './data'), exports.DEV_KEY_FILE);
}
/**
 * URL: --url, else LEDGER_URL, else the embedded default's address. Key: --key, else
 * LEDGER_API_KEY, else the dev key that the embedded default wrote under DATA_DIR.
 */
function resolveConnection({ options, env, cwd, readFile = readIfExists }) {
    const url = (options.url ?? env.LEDGER_URL ?? '').trim() || exports.DEFAULT_URL;
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw new errors_1.UsageError(`--url ${JSON.stringify(url)} is not a URL; give the server's GraphQL endpoint, e.g. ${exports.DEFAULT_URL}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new errors_1.UsageError(`--url must be an http:// or https:// GraphQL endpoint (subscriptions use the same address over WebSocket); got ${url}`);
    }
    // A base address (http://host:4000) means the server's one endpoint.
    const endpoint = parsed.pathname === '/' && !url.endsWith('/graphql') ? new URL('/graphql', parsed).toString() : url;
    const given = options.key?.trim();
    if (options.key !== undefined && !given)
        throw new errors_1.UsageError('--key is empty');
    if (given)
        return { url: endpoint, key: given, keySource: '--key' };
    const fromEnv = env.LEDGER_API_KEY?.trim();
    if (fromEnv)
        return { url: endpoint, key: fromEnv, keySource: 'LEDGER_API_KEY' };
    const file = devKeyFile(env, cwd);
    const text = readFile(file);
    if (text === null) {
        throw new errors_1.UsageError(`no API key: give --key or set LEDGER_API_KEY (the embedded default writes an ADMIN dev key to ${file} on its first start, ` +
            'and it is used when present)');
    }
    let key;
    try {
        key = JSON.parse(text).key;
    }
    catch {
        throw new errors_1.UsageError(`${file} is not valid JSON; give --key or set LEDGER_API_KEY`);
    }
    if (typeof key !== 'string' || !key.trim())
        throw new errors_1.UsageError(`${file} holds no "key"; give --key or set LEDGER_API_KEY`);
    return { url: endpoint, key: key.trim(), keySource: 'dev key file', keyFile: file };
}
/** How to put this key in a shell command without printing it: the variable or the file it came from. */
function keyShellHint(connection) {
    switch (connection.keySource) {
        case 'LEDGER_API_KEY':
            return '$LEDGER_API_KEY';
        case 'dev key file':
            return `$(node -p "require('${connection.keyFile}').key")`;
        case '--key':
            return '<your key>';
        default: {
            const _never = connection.keySource;
            return _never;
        }
    }
}
//# sourceMappingURL=connection.js.map