import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandBus } from '@nestjs/cqrs';
import { deterministicUuid } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { createProjections, InProcessChangeFeed, ProjectionEngine, Projections, SESSIONS } from '@ledger/projections';
import { MemoryReadStore } from '@ledger/read-store';
import { loadConfig } from '@ledger/runtime';
import { ORG_A_INGEST, ScenarioWriter } from '../../../../../libs/projections/src/testing/scenario';
import type { ExecuteSessionCommand } from '../../commands/session-command.handler';
import { CommandCenterScheduler } from './command-center.scheduler';

const SESSION_COUNT = 3_000;
const START = Date.parse('2026-11-01T10:00:00.000Z');
const sessionId = (n: number) => `session_${deterministicUuid('scheduler', String(n)).replace(/-/g, '')}`;

/**
 * The scheduler on a start that replays the store from nothing (no snapshot): the sessions read
 * model is partial and unindexed until the replay reaches the head, so the scheduler must not
 * query it before then, and must then handle the deadlines that passed while nothing ran.
 */
describe('the Command Center scheduler on a start that replays the store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let engine: ProjectionEngine;
  let feed: InProcessChangeFeed;
  let scheduler: CommandCenterScheduler | null = null;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-scheduler-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const writer = new ScenarioWriter(store);
    for (let n = 0; n < SESSION_COUNT; n += 1) {
      // One RUNTIME session idle past its timeout long ago; the rest are chats.
      const runtime = n === SESSION_COUNT - 1;
      await writer.run({
        type: 'StartSession',
        sessionId: sessionId(n),
        actor: ORG_A_INGEST,
        at: new Date(START + n * 1000).toISOString(),
        eventId: writer.id('start'),
        kind: runtime ? 'RUNTIME' : 'CHAT',
        title: `Session ${n}`,
        idleTimeoutSeconds: runtime ? 60 : null,
      });
    }
    feed = new InProcessChangeFeed();
    engine = new ProjectionEngine(store, new MemoryReadStore(), createProjections(), feed);
  });

  afterEach(async () => {
    await scheduler?.onApplicationShutdown();
    await engine.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads no session while the replay runs, then times out the session whose deadline passed meanwhile', async () => {
    const queriesDuringReplay: string[] = [];
    // The engine itself, except that a read of the sessions collection during the replay is noted.
    const projections: Projections = Object.create(engine, {
      collection: {
        value: (logical: string) => {
          const collection = engine.collection(logical);
          if (logical !== SESSIONS) return collection;
          return Object.create(collection, {
            find: {
              value: (...args: Parameters<typeof collection.find>) => {
                if (engine.catchingUpProjections().includes(SESSIONS)) queriesDuringReplay.push(JSON.stringify(args[0]));
                return collection.find(...args);
              },
            },
          });
        },
      },
    });
    const timedOut: string[] = [];
    const commands = {
      execute: async (command: ExecuteSessionCommand) => {
        timedOut.push(`${command.command.type} ${command.command.sessionId}`);
      },
    } as unknown as CommandBus;
    const config = loadConfig({});
    const now = new Date(START + 30 * 24 * 3600 * 1000);

    await engine.start();
    expect(engine.catchingUpProjections()).toContain(SESSIONS);
    scheduler = new CommandCenterScheduler(projections, commands, feed, () => now, config);
    await scheduler.onApplicationBootstrap();
    expect(await engine.waitForHead(30_000)).toBe(true);
    const deadline = Date.now() + 10_000;
    while (timedOut.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    expect(queriesDuringReplay).toEqual([]);
    expect(timedOut).toEqual([`TimeOutSession ${sessionId(SESSION_COUNT - 1)}`]);
  });
});
