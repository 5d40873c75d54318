import { Client, createClient } from 'graphql-ws';
import { loadavg } from 'node:os';
import WebSocket from 'ws';
import { cleanup } from '../support/cleanup';
import type { BenchContext } from '../support/context';
import { fmt } from '../support/context';
import { GraphQLClient } from '../support/graphql';
import { log } from '../support/progress';
import { row } from '../support/report';
import { ADMIN_KEY_FOR_LIVE, ServerProcess } from '../support/server';
import { now, percentile, perSecond, processSchedule } from '../support/stats';
import type { Scenario } from './scenario';

const APPEND = 'mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence } }';

/** A server on a fresh DATA_DIR; `name` names its CPU profile when the bench takes them. */
async function liveServer(ctx: BenchContext, name: string): Promise<{ server: ServerProcess; http: GraphQLClient; ws: Client }> {
  const server = await ServerProcess.start({ dataDir: cleanup.tempDir('live'), keys: [ADMIN_KEY_FOR_LIVE], nodeArgs: ctx.childArgs(name) });
  const http = new GraphQLClient(server.port, ADMIN_KEY_FOR_LIVE.key);
  const ws = createClient({
    url: `ws://127.0.0.1:${server.port}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${ADMIN_KEY_FOR_LIVE.key}` },
  });
  return { server, http, ws };
}

async function startSession(http: GraphQLClient, kind: string): Promise<string> {
  const data = await http.request<{ startSession: { id: string } }>(`mutation { startSession(input: { kind: ${kind} }) { id } }`);
  return data.startSession.id;
}

/** Seconds of appends at the scenario's rate before the measured ones, on a server that just started. */
const WARM_UP_SECONDS = 2;

/**
 * Scenario 6: appends at a steady 1 000 events/s (10 events every 10 ms, each batch sent without
 * waiting for the previous answer), and each event's send instant compared with its arrival on a
 * timeline subscription; for the commandCenter subscription, each change's arrival compared with
 * the send of the batch it reflects (changes coalesce per session, so this is one sample a batch).
 * The first WARM_UP_SECONDS of appends warm the server up (as scenario 8's warm-up requests do):
 * their samples are reported apart, as the cold start's, and not in the target rows.
 */
export const subscriberLatencyScenario: Scenario = {
  id: '6',
  title: 'append to subscriber latency',
  async run(ctx: BenchContext) {
    const { server, http, ws } = await liveServer(ctx, 'api-live');
    try {
      const sessionId = await startSession(http, 'RUNTIME');
      const sentAt = new Map<string, number>();
      const timeline: number[] = [];
      const commandCenter: number[] = [];
      const batchSentAt = new Map<number, number>();
      // The warm-up's events are the sequences 1 to this one (the session's start is 0).
      const warmUpUntil = WARM_UP_SECONDS * 1000;
      const coldTimeline: number[] = [];
      const coldCommandCenter: number[] = [];
      ws.subscribe<{ timeline: { id: string; sequence: number } }>(
        { query: 'subscription($id: ID!) { timeline(sessionId: $id, after: 0) { sequence id } }', variables: { id: sessionId } },
        {
          next: (v) => {
            const t = sentAt.get(v.data!.timeline.id);
            if (t !== undefined) (v.data!.timeline.sequence <= warmUpUntil ? coldTimeline : timeline).push(now() - t);
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      ws.subscribe<{ commandCenter: { session: { id: string; sequence: number } } }>(
        { query: 'subscription { commandCenter { section session { id sequence } } }' },
        {
          next: (v) => {
            const session = v.data!.commandCenter.session;
            const t = session.id === sessionId ? batchSentAt.get(session.sequence) : undefined;
            if (t !== undefined) (session.sequence <= warmUpUntil ? coldCommandCenter : commandCenter).push(now() - t);
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      await new Promise((r) => setTimeout(r, 300));
      const seconds = ctx.options.scale === 'full' ? 20 : 5;
      log(`[6] appending 1 000 events/s for ${WARM_UP_SECONDS} s of warm-up, then ${seconds} s measured`);
      let sequence = 0;
      const pending: Promise<unknown>[] = [];
      /** `ticks` batches of 10 events, one every 10 ms, each sent without waiting for the previous answer. */
      const appendAtRate = async (ticks: number, label: string) => {
        const began = now();
        for (let tick = 0; tick < ticks; tick += 1) {
          const wait = began + tick * 10 - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const events = Array.from({ length: 10 }, (_, i) => ({ id: `${label}-${tick}-${i}`, type: 'COMMAND', data: { command: 'ls -la', exitCode: 0 } }));
          const sent = now();
          for (const event of events) sentAt.set(event.id, sent);
          sequence += 10;
          batchSentAt.set(sequence, sent);
          pending.push(http.request(APPEND, { input: { sessionId, events } }));
        }
      };
      await appendAtRate(WARM_UP_SECONDS * 100, 'w');
      const serverBefore = processSchedule(server.pid);
      const clientBefore = processSchedule();
      const start = now();
      await appendAtRate(seconds * 100, 'e');
      await Promise.all(pending);
      await new Promise((r) => setTimeout(r, 1000));
      const elapsed = now() - start;
      const serverAfter = processSchedule(server.pid);
      const clientAfter = processSchedule();
      // Where the time went: the server's own work, and how long it was runnable but had no core.
      const schedule =
        serverBefore && serverAfter && clientBefore && clientAfter
          ? `; over ${(elapsed / 1000).toFixed(1)} s the server's main thread ran ${fmt(serverAfter.mainCpuMs - serverBefore.mainCpuMs)} ms on a CPU and waited ${fmt(serverAfter.mainWaitMs - serverBefore.mainWaitMs)} ms for one (run queue; all its threads ${fmt(serverAfter.cpuMs - serverBefore.cpuMs)} / ${fmt(serverAfter.waitMs - serverBefore.waitMs)} ms), this bench client ran ${fmt(clientAfter.cpuMs - clientBefore.cpuMs)} ms and waited ${fmt(clientAfter.waitMs - clientBefore.waitMs)} ms; load average ${loadavg()[0]!.toFixed(2)}`
          : '';
      ctx.detail('6-schedule', { elapsedMs: elapsed, serverBefore, serverAfter, clientBefore, clientAfter, loadAverage: loadavg() });
      const rate = perSecond(sentAt.size - warmUpUntil, seconds * 1000);
      log(`[6] timeline n=${timeline.length}, commandCenter n=${commandCenter.length}`);
      for (const [name, samples] of [['timeline', timeline], ['commandCenter', commandCenter]] as const) {
        ctx.add(
          row({ scenario: '6', figure: `append -> ${name} subscriber p50`, value: percentile(samples, 50), unit: 'ms', note: `${fmt(samples.length)} samples at ${fmt(rate)} events/s` }),
          row({
            scenario: '6',
            figure: `append -> ${name} subscriber p99`,
            value: percentile(samples, 99),
            unit: 'ms',
            target: { op: '<=', value: 20, label: 'p99 <= 20 ms' },
            note: name === 'timeline' ? `max ${fmt(Math.max(...samples))} ms${schedule}` : `max ${fmt(Math.max(...samples))} ms`,
          }),
        );
      }
      for (const [name, samples] of [['timeline', coldTimeline], ['commandCenter', coldCommandCenter]] as const) {
        ctx.add(
          row({
            scenario: '6',
            figure: `cold start: append -> ${name} subscriber p99, first ${WARM_UP_SECONDS} s after the server started`,
            value: percentile(samples, 99),
            unit: 'ms',
            note: `${fmt(samples.length)} samples, p50 ${fmt(percentile(samples, 50))} ms, max ${fmt(Math.max(...samples))} ms (the warm-up, not in the target rows)`,
          }),
        );
      }
    } finally {
      await ws.dispose();
      http.close();
      await server.stop();
    }
  },
};

/** Scenario 7: one timeline subscription from after: -1 over a 100 000-event session, until the last sequence arrives. */
export const timelineCatchUpScenario: Scenario = {
  id: '7',
  title: 'timeline catch-up',
  async run(ctx: BenchContext) {
    const { server, http, ws } = await liveServer(ctx, 'api-catch-up');
    try {
      const sessionId = await startSession(http, 'CHAT');
      const total = ctx.options.scale === 'full' ? 100_000 : 20_000;
      const text = 'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(6);
      log(`[7] appending ${fmt(total)} events to one session`);
      for (let batch = 0; batch < total / 500; batch += 1) {
        const events = Array.from({ length: 500 }, (_, i) => ({ type: 'MESSAGE', data: { role: i % 2 ? 'assistant' : 'user', text: `${batch}-${i} ${text}` } }));
        await http.request(APPEND, { input: { sessionId, events } });
      }
      const started = now();
      let received = 0;
      let contiguous = true;
      let last = -1;
      await new Promise<void>((resolve, reject) =>
        ws.subscribe<{ timeline: { sequence: number } }>(
          { query: 'subscription($id: ID!) { timeline(sessionId: $id, after: -1) { sequence type at data } }', variables: { id: sessionId } },
          {
            next: (v) => {
              const sequence = v.data!.timeline.sequence;
              if (sequence !== last + 1) contiguous = false;
              last = sequence;
              received += 1;
              if (sequence >= total) resolve();
            },
            error: reject,
            complete: () => resolve(),
          },
        ),
      );
      const ms = now() - started;
      log(`[7] ${fmt(received)} events in ${(ms / 1000).toFixed(1)} s, contiguous: ${contiguous}`);
      // The same history through timelinePages (pages of 500 events, one message each), from the
      // start, then resumed from the middle: every sequence once, in order, both times.
      const pages = async (after: number): Promise<{ ms: number; received: number; contiguous: boolean }> => {
        const begun = now();
        let count = 0;
        let ok = true;
        let previous = after;
        let unsubscribe: () => void = () => undefined;
        await new Promise<void>((resolve, reject) => {
          unsubscribe = ws.subscribe<{ timelinePages: { events: { sequence: number }[]; lastSequence: number } }>(
            {
              query: 'subscription($id: ID!, $after: Int) { timelinePages(sessionId: $id, after: $after, max: 500) { lastSequence hasMore events { sequence type at data } } }',
              variables: { id: sessionId, after },
            },
            {
              next: (v) => {
                for (const event of v.data!.timelinePages.events) {
                  if (event.sequence !== previous + 1) ok = false;
                  previous = event.sequence;
                  count += 1;
                }
                if (previous >= total) resolve();
              },
              error: reject,
              complete: () => resolve(),
            },
          );
        });
        unsubscribe();
        return { ms: now() - begun, received: count, contiguous: ok && previous === total };
      };
      const paged = await pages(-1);
      const resumed = await pages(total / 2);
      log(`[7] timelinePages: ${fmt(paged.received)} events in ${(paged.ms / 1000).toFixed(1)} s; resumed at ${fmt(total / 2)}: ${fmt(resumed.received)} events`);
      ctx.add(
        row({
          scenario: '7',
          figure: `timeline catch-up of a ${fmt(total)}-event session, one subscriber (timelinePages, 500 events a message)`,
          value: perSecond(paged.received, paged.ms),
          unit: 'events/s',
          target: { op: '>=', value: 50_000, label: '>= 50 000 events/s' },
          note:
            paged.contiguous && resumed.contiguous && resumed.received === total - total / 2
              ? `every sequence once, in order; resumed from ${fmt(total / 2)}: the ${fmt(resumed.received)} after it, once each, in order`
              : 'GAP OR DUPLICATE SEEN',
        }),
        row({
          scenario: '7',
          figure: `timeline catch-up, one message per event (timeline subscription)`,
          value: perSecond(received, ms),
          unit: 'events/s',
          note: contiguous ? 'every sequence once, in order' : 'GAP OR DUPLICATE SEEN',
        }),
      );
    } finally {
      await ws.dispose();
      http.close();
      await server.stop();
    }
  },
};
