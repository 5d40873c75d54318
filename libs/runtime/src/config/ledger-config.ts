import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_WINDOWS, type CodedError, type ModelPrice, type PriceTable } from '@ledger/domain';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every setting the process reads, validated once at start. Nothing else reads process.env:
 * the rest of the code receives this object through DI.
 */
export class LedgerEnvironment {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 4000;

  @IsString()
  DATA_DIR = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(esdb|kurrentdb|kurrent|kdb)(\+discover)?:\/\//, {
    message: 'EVENTSTORE_URL must be an esdb:// or kurrentdb:// connection string',
  })
  EVENTSTORE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URL must be a mongodb:// or mongodb+srv:// connection string' })
  MONGODB_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  LEDGER_API_KEYS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  LEDGER_API_KEYS_FILE?: string;

  /** JSON object: model name -> { inputPerMTok, outputPerMTok, cacheReadPerMTok?, cacheWritePerMTok? } (USD per million tokens). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  LEDGER_MODEL_PRICES?: string;

  /** The maintained price table behind LEDGER_MODEL_PRICES: "genai-prices" (@pydantic/genai-prices) or "none". */
  @IsIn(['genai-prices', 'none'], { message: 'LEDGER_PRICE_TABLE must be genai-prices or none' })
  LEDGER_PRICE_TABLE = 'genai-prices';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  CHAT_ACTIVE_WINDOW_SECONDS = DEFAULT_WINDOWS.chatActiveSeconds;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RECENT_WINDOW_SECONDS = DEFAULT_WINDOWS.recentSeconds;

  /** How long a mutation waits for its own write to reach the read models. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  READ_YOUR_WRITES_TIMEOUT_MS = 5000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'silent'])
  LOG_LEVEL = 'info';

  /** Distinct pending changes a subscriber may fall behind by before it is closed as too slow. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SUBSCRIBER_BUFFER_SIZE = 1000;

  /** The window both request budgets are counted over. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Mutations (and OTLP posts) per API key per window; 0 switches the budget off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_INGEST = 6000;

  /** Queries and subscription starts per API key per window; 0 switches the budget off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_READ = 6000;

  /** Subscriptions one API key may hold open at once, over all its connections. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MAX_SUBSCRIPTIONS_PER_KEY = 100;

  /** Comma-separated origins allowed to call the API from a browser; empty: no CORS headers at all. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(\*|https?:\/\/[^\s,]+(,\s*https?:\/\/[^\s,]+)*)$/, {
    message: 'CORS_ORIGINS must be * or a comma-separated list of http(s)://host[:port] origins',
  })
  CORS_ORIGINS?: string;
  /** Embedded read store: a snapshot to DATA_DIR once this many events are applied since the last one... */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SNAPSHOT_EVERY_EVENTS = 100_000;

  /** ...or this many seconds after the last one, when anything changed (and at every graceful stop). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SNAPSHOT_EVERY_SECONDS = 300;

  /**
   * Garbage the embedded read models' process may pile up before a full GC, in MiB; 0 leaves V8's
   * own heuristic, which after a start lets the heap reach about twice what it keeps alive.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65_536)
  HEAP_HEADROOM_MIB = 96;
}

export interface ApiKeyEntry {
  key: string;
  organizationId: string;
  principal: { type: string; id: string; name?: string | null };
  roles: string[];
}

export interface LedgerConfig {
  port: number;
  dataDir: string;
  eventStoreUrl: string | null;
  mongodbUrl: string | null;
  /** Keys given by configuration; null means none were configured (the embedded default makes a dev key). */
  apiKeys: ApiKeyEntry[] | null;
  modelPrices: PriceTable;
  /** The maintained price table consulted when neither the reporter nor LEDGER_MODEL_PRICES price a model. */
  priceTable: 'genai-prices' | null;
  windows: { chatActiveSeconds: number; recentSeconds: number };
  readYourWritesTimeoutMs: number;
  logLevel: string;
  limits: { maxEventDataBytes: number; maxBatchEvents: number; maxRequestBytes: number };
  live: { subscriberBufferSize: number; timelinePollMs: number };
  /** Requests per API key per window (0: no limit), and open subscriptions per key. */
  rateLimits: { windowMs: number; ingest: number; read: number; maxSubscriptionsPerKey: number };
  /** Origins a browser may call from; empty means CORS is off (no Access-Control headers). */
  corsOrigins: string[];
  snapshots: { everyEvents: number; everySeconds: number };
  /** MiB of garbage V8 may hold past the live heap before a full GC; null leaves V8's heuristic. */
  heapHeadroomMiB: number | null;
}

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');

/** KurrentDB's schemes name the same connection string; @eventstore/db-client 6 parses only esdb:// and esdb+discover://. */
function toEsdbScheme(url: string): string {
  return url.replace(/^(kurrentdb|kurrent|kdb)(\+discover)?:\/\//, (_match, _scheme: string, discover?: string) => `esdb${discover ?? ''}://`);
}

/** A setting that stops the start; never reaches a client, as no request is served before config is valid. */
export class ConfigError extends Error implements CodedError {
  readonly code = 'INTERNAL' as const;
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${name} is not valid JSON (${(error as Error).message})`);
  }
}

function parsePrices(text: string | undefined): PriceTable {
  if (!text) return {};
  const parsed = parseJson('LEDGER_MODEL_PRICES', text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('LEDGER_MODEL_PRICES must be a JSON object of model -> { inputPerMTok, outputPerMTok }');
  }
  const table: PriceTable = {};
  for (const [model, price] of Object.entries(parsed as Record<string, Partial<ModelPrice>>)) {
    if (typeof price?.inputPerMTok !== 'number' || typeof price?.outputPerMTok !== 'number') {
      throw new ConfigError(`LEDGER_MODEL_PRICES.${model} needs numeric inputPerMTok and outputPerMTok`);
    }
    table[model] = price as ModelPrice;
  }
  return table;
}

function parseApiKeys(env: LedgerEnvironment): ApiKeyEntry[] | null {
  const source = env.LEDGER_API_KEYS
    ? { name: 'LEDGER_API_KEYS', text: env.LEDGER_API_KEYS }
    : env.LEDGER_API_KEYS_FILE
      ? { name: 'LEDGER_API_KEYS_FILE', text: readKeysFile(env.LEDGER_API_KEYS_FILE) }
      : null;
  if (!source) return null;
  const parsed = parseJson(source.name, source.text);
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new ConfigError(`${source.name} must be a non-empty JSON array of {key, organizationId, principal, roles}`);
  }
  return parsed.map((entry, index) => {
    const e = entry as Partial<ApiKeyEntry>;
    const where = `${source.name}[${index}]`;
    if (typeof e.key !== 'string' || e.key.length < 16) throw new ConfigError(`${where}.key must be a string of at least 16 characters`);
    if (typeof e.organizationId !== 'string' || !e.organizationId) throw new ConfigError(`${where}.organizationId is required`);
    if (!e.principal || typeof e.principal.id !== 'string' || typeof e.principal.type !== 'string') {
      throw new ConfigError(`${where}.principal needs type and id`);
    }
    if (!Array.isArray(e.roles) || e.roles.length === 0) throw new ConfigError(`${where}.roles must list at least one role`);
    return e as ApiKeyEntry;
  });
}

function readKeysFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`LEDGER_API_KEYS_FILE ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Validates the environment once; a bad value throws a ConfigError with one clear line. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const env = plainToInstance(LedgerEnvironment, { ...environment }, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    // "must be an integer" says more than a range check that a non-number also fails.
    const message = first.constraints?.isInt ?? Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigError(`invalid configuration: ${first.property}: ${message}`);
  }
  return {
    port: env.PORT,
    dataDir: resolve(env.DATA_DIR),
    eventStoreUrl: env.EVENTSTORE_URL ? toEsdbScheme(env.EVENTSTORE_URL) : null,
    mongodbUrl: env.MONGODB_URL ?? null,
    apiKeys: parseApiKeys(env),
    modelPrices: parsePrices(env.LEDGER_MODEL_PRICES),
    priceTable: env.LEDGER_PRICE_TABLE === 'none' ? null : 'genai-prices',
    windows: { chatActiveSeconds: env.CHAT_ACTIVE_WINDOW_SECONDS, recentSeconds: env.RECENT_WINDOW_SECONDS },
    readYourWritesTimeoutMs: env.READ_YOUR_WRITES_TIMEOUT_MS,
    logLevel: env.LOG_LEVEL,
    limits: { maxEventDataBytes: 64 * 1024, maxBatchEvents: 500, maxRequestBytes: 4 * 1024 * 1024 },
    live: { subscriberBufferSize: env.SUBSCRIBER_BUFFER_SIZE, timelinePollMs: 2000 },
    rateLimits: {
      windowMs: env.RATE_LIMIT_WINDOW_SECONDS * 1000,
      ingest: env.RATE_LIMIT_INGEST,
      read: env.RATE_LIMIT_READ,
      maxSubscriptionsPerKey: env.MAX_SUBSCRIPTIONS_PER_KEY,
    },
    corsOrigins: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map((origin) => origin.trim()) : [],
    snapshots: { everyEvents: env.SNAPSHOT_EVERY_EVENTS, everySeconds: env.SNAPSHOT_EVERY_SECONDS },
    heapHeadroomMiB: env.HEAP_HEADROOM_MIB === 0 ? null : env.HEAP_HEADROOM_MIB,
  };
}

/** The configuration, or one clear line on stderr and exit code 2 when a value is bad. */
export function loadConfigOrExit(program: string, environment: NodeJS.ProcessEnv = process.env): LedgerConfig {
  try {
    return loadConfig(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${program}: ${error.message}\n`);
    process.exit(2);
  }
}
