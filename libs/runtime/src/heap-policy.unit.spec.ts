import { getHeapStatistics } from 'node:v8';
import { applyHeapPolicyOnceLive, growingPercent } from './heap-policy';

const MIB = 1024 * 1024;

describe('the GC headroom, as V8 growth factors', () => {
  it('lets a large heap grow by the headroom and no more', () => {
    expect(growingPercent(96 * MIB, 640 * MIB)).toBe(15);
    expect(growingPercent(128 * MIB, 512 * MIB)).toBe(25);
  });

  it('keeps a floor for a heap far larger than the headroom, and a ceiling for a small one', () => {
    expect(growingPercent(96 * MIB, 4096 * MIB)).toBe(10);
    expect(growingPercent(96 * MIB, 20 * MIB)).toBe(300);
    expect(growingPercent(96 * MIB, 0)).toBe(300);
  });
});

describe('the heap policy, applied once the read models are live', () => {
  it('waits for the projections to reach the head, then runs one full collection', async () => {
    const waits: number[] = [];
    const projections = {
      waitForHead: async (timeoutMs: number) => {
        waits.push(timeoutMs);
        return waits.length === 3;
      },
    };
    const garbage = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `garbage ${i}` }));
    const before = getHeapStatistics().used_heap_size;
    garbage.length = 0;

    const policy = await applyHeapPolicyOnceLive(projections, 96);
    policy?.stop();

    expect(waits).toEqual([60_000, 60_000, 60_000]);
    expect(policy?.collectedMs).toEqual(expect.any(Number));
    expect(getHeapStatistics().used_heap_size).toBeLessThan(before);
  });

  it('leaves V8 alone when HEAP_HEADROOM_MIB is 0', async () => {
    const projections = { waitForHead: jest.fn(async () => true) };

    await expect(applyHeapPolicyOnceLive(projections, null)).resolves.toBeNull();
    expect(projections.waitForHead).not.toHaveBeenCalled();
  });
});
