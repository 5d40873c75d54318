import { batchSessions, BatchSession, StartFields } from '../data';
import { cleanup } from '../support/cleanup';
import { BenchContext, fmt, QUERIED_ORG } from '../support/context';
import { GraphQLClient } from '../support/graphql';
import { log } from '../support/progress';
import { row } from '../support/report';
import { INGEST_KEY, ServerProcess } from '../support/server';
import { MiB, now, percentile, perSecond } from '../support/stats';
import type { Scenario } from './scenario';
import { compareWrites } from './write-comparison';
import { BATCH_SIZE } from './write-workload';

const SESSIONS_PER_CLIENT = 4;
const WARMUP_BATCHES_PER_CLIENT = 2;

const START_SESSION = `mutation($input: StartSessionInput!) { startSession(input: $input) { id } }`;
const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { id } }`;
const APPEND = `mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence deduplicated } }`;

const TIMELINE = `query($id: ID!, $after: Int!) { timeline(sessionId: $id, after: $after, first: 1000) { lastSequence hasMore events { data } } }`;
/** What a credential the generator pastes in looks like, if one got through. */
const RAW_CREDENTIAL = /ghp_[A-Za-z0-9]{36}|sk-ant-api03-|AKIA[A-Z2-7]{16}|sk-proj-|xoxb-\d|postgres:\/\/app:/;

/** Reads the timelines back: how many events carry a redaction mark, and whether any raw credential was stored. */
async function checkRedaction(client: GraphQLClient, sessionIds: string[]): Promise<{ events: number; redacted: number; leaked: number }> {
  const result = { events: 0, redacted: 0, leaked: 0 };
  for (const id of sessionIds) {
    let after = -1;
    for (;;) {
      const page = await client.request<{ timeline: { lastSequence: number; hasMore: boolean; events: { data: unknown }[] } }>(TIMELINE, { id, after });
      for (const event of page.timeline.events) {
        const text = JSON.stringify(event.data);
        result.events += 1;
        if (text.includes('[REDACTED:')) result.redacted += 1;
        if (RAW_CREDENTIAL.test(text)) result.leaked += 1;
      }
      if (!page.timeline.hasMore) break;
      after = page.timeline.lastSequence;
    }
  }
  return result;
}

/** The StartSessionInput a reporter would send for a generated session. */
export function startInput(start: StartFields, idempotencyKey: string): Record<string, unknown> {
  return {
    idempotencyKey,
    kind: start.kind,
    accountId: start.accountId,
    title: start.title,
    tags: start.tags,
    owner: start.owner,
    source: start.source,
    initiative: start.initiative,
    flowId: start.flowId,
    model: start.model,
    environment: start.environment,
    totalSteps: null,
    idleTimeoutSeconds: start.idleTimeoutSeconds,
    metadata: start.metadata,
  };
}

interface ClientWork {
  client: GraphQLClient;
  warmup: string[];
  bodies: string[];
  events: number;
}

/**
 * Scenario 3: appendRunEvents over HTTP against the real server (a child process with a fresh
 * DATA_DIR), several concurrent clients, batches of 100 raw events (credentials included, so
 * redaction does real work). Each client owns its sessions, as each agent runtime does. The
 * request bodies are serialized before the clock starts, so the client's CPU goes to sending.
 */
export const ingestScenario: Scenario = {
  id: '3',
  title: 'ingest through the API',
  needs: ['1'],
  async run(ctx: BenchContext) {
    const { ingestClients, ingestBatchesPerClient } = ctx.sizes;
    const batchesPerSession = Math.ceil((ingestBatchesPerClient + WARMUP_BATCHES_PER_CLIENT) / SESSIONS_PER_CLIENT);
    const prng = ctx.prng('ingest');
    log(`[3] generating ${fmt(ingestClients * ingestBatchesPerClient * BATCH_SIZE)} events for ${ingestClients} clients`);
    const sessions: BatchSession[] = batchSessions(prng, ctx.catalog, {
      sessions: ingestClients * SESSIONS_PER_CLIENT,
      batches: batchesPerSession,
      batchSize: BATCH_SIZE,
      organization: QUERIED_ORG,
      now: Date.now(),
    });
    let credentialEvents = 0;

    const dataDir = cleanup.tempDir('ingest');
    log('[3] starting the api server');
    const server = await ServerProcess.start({ dataDir, keys: [INGEST_KEY], nodeArgs: ctx.childArgs('api-ingest') });
    const clients: ClientWork[] = [];
    const firstSessionIds: string[] = [];
    try {
      for (let c = 0; c < ingestClients; c += 1) {
        const client = new GraphQLClient(server.port, INGEST_KEY.key, 2);
        const mine = sessions.slice(c * SESSIONS_PER_CLIENT, (c + 1) * SESSIONS_PER_CLIENT);
        const ids: string[] = [];
        for (const session of mine) {
          const started = await client.request<{ startSession: { id: string } }>(START_SESSION, { input: startInput(session.start, `bench-${session.sessionId}`) });
          ids.push(started.startSession.id);
          if (c === 0) firstSessionIds.push(started.startSession.id);
          await client.request(START_RUN, { input: { sessionId: started.startSession.id, runId: session.runId } });
        }
        const bodies: string[] = [];
        const warmup: string[] = [];
        for (let b = 0; b < batchesPerSession; b += 1) {
          mine.forEach((session, index) => {
            const measured = warmup.length === WARMUP_BATCHES_PER_CLIENT;
            if (measured && bodies.length === ingestBatchesPerClient) return;
            const batch = session.batches[b]!;
            if (measured) credentialEvents += batch.filter((e) => e.rules.length > 0).length;
            const events = batch.map((e) => ({ id: `evt-${prng.hex(24)}`, type: e.type, at: new Date(e.at).toISOString(), data: e.data }));
            (measured ? bodies : warmup).push(JSON.stringify({ query: APPEND, variables: { input: { sessionId: ids[index], runId: session.runId, events } } }));
          });
        }
        clients.push({ client, warmup, bodies, events: bodies.length * BATCH_SIZE });
      }
      await Promise.all(clients.map(async (work) => {
        for (const body of work.warmup) await work.client.postRaw(body);
      }));

      const total = clients.reduce((n, w) => n + w.events, 0);
      log(`[3] ${ingestClients} clients appending ${fmt(total)} events in batches of ${BATCH_SIZE}`);
      const latencies: number[] = [];
      let deduplicated = 0;
      let sent = 0;
      const progressTimer = setInterval(() => log(`[3] ingest: ${Math.floor((sent * 100) / total)} %`), 5_000);
      const started = now();
      try {
        await Promise.all(
          clients.map(async (work) => {
            for (const body of work.bodies) {
              const t = now();
              const result = await work.client.postRaw<{ appendRunEvents: { lastSequence: number; deduplicated: number } }>(body);
              latencies.push(now() - t);
              deduplicated += result.appendRunEvents.deduplicated;
              sent += BATCH_SIZE;
            }
          }),
        );
      } finally {
        clearInterval(progressTimer);
      }
      const ms = now() - started;
      if (deduplicated !== 0) throw new Error(`${deduplicated} events reported as duplicates: the workload is broken`);
      const redaction = await checkRedaction(clients[0]!.client, firstSessionIds);
      const rate = perSecond(total, ms);
      const memory = server.memory();
      const writes = await compareWrites(ctx);
      log(`[3] ${fmt(total)} events in ${(ms / 1000).toFixed(1)} s: ${fmt(rate)} events/s`);
      ctx.detail('3', { events: total, ms, rate, clients: ingestClients, credentialEvents, redaction, p50: percentile(latencies, 50), p95: percentile(latencies, 95), serverPeakRss: memory?.peakRss });
      ctx.add(
        row({
          scenario: '3',
          figure: `ingest over HTTP, ${ingestClients} clients, batches of 100`,
          value: rate,
          unit: 'events/s',
          ceilingRatio: rate / writes.ceiling.eventsPerSecond,
          target: { op: '>=', value: 20_000, label: '>= 20 000 events/s' },
          note:
            `${fmt(total)} events, ${fmt(credentialEvents)} of them with a credential to redact ` +
            `(read back: ${redaction.redacted} redacted, ${redaction.leaked} leaked); server peak RSS ${memory ? fmt(memory.peakRss / MiB) : '?'} MiB`,
        }),
        row({ scenario: '3', figure: 'ingest: appendRunEvents latency p50', value: percentile(latencies, 50), unit: 'ms' }),
        row({ scenario: '3', figure: 'ingest: appendRunEvents latency p95', value: percentile(latencies, 95), unit: 'ms' }),
      );
    } finally {
      for (const work of clients) work.client.close();
      await server.stop();
      cleanup.removeDir(dataDir);
    }
  },
};
