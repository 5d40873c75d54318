import { BenchContext, fmt } from '../support/context';
import { row } from '../support/report';
import { MiB } from '../support/stats';
import { loadedServer } from './loaded-server';
import { COMMAND_CENTER_QUERY, SESSIONS_QUERY } from './queries';
import type { Scenario } from './scenario';

/**
 * Scenario 9: peak RSS (VmHWM) of the server process holding the dataset, after its start-up
 * rebuild and (when scenario 8 ran) every query of scenario 8.
 */
export const memoryScenario: Scenario = {
  id: '9',
  title: 'server memory',
  async run(ctx: BenchContext) {
    const loaded = await loadedServer(ctx);
    // A few reads, so the figure includes serving and not only holding (when 8 did not run).
    for (let i = 0; i < 10; i += 1) {
      await loaded.viewer.request(SESSIONS_QUERY, { first: 50 });
      await loaded.viewer.request(COMMAND_CENTER_QUERY);
    }
    const memory = loaded.server.memory();
    if (!memory) throw new Error(`cannot read /proc/${loaded.server.pid}/status`);
    const { summary } = loaded.dataset;
    ctx.detail('9', memory);
    ctx.add(
      row({
        scenario: '9',
        figure: `server peak RSS (VmHWM), ${fmt(summary.sessions)} sessions / ${fmt(summary.runEvents)} run events`,
        value: memory.peakRss / MiB,
        unit: 'MiB',
        target: { op: '<=', value: 1024, label: '<= 1 GiB' },
        note: `the server restarted on the snapshot (scenario 8), after its queries; RSS now ${fmt(memory.rss / MiB)} MiB; ${fmt(summary.events)} events in the store`,
      }),
    );
    if (loaded.firstStartPeakRss !== null) {
      ctx.add(
        row({
          scenario: '9',
          figure: 'peak RSS of the first start (read models rebuilt from the event store, then snapshotted)',
          value: loaded.firstStartPeakRss / MiB,
          unit: 'MiB',
        }),
      );
    }
  },
};
