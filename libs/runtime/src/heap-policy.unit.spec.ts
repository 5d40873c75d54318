import { getHeapStatistics } from 'node:v8';
import { applyHeapPolicyOnceLive } from './heap-policy';

describe('the heap policy, applied once the read models are live', () => {
  it('waits for the projections to reach the head, then sets the growth and runs one full collection', async () => {
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

    const collectedMs = await applyHeapPolicyOnceLive(projections, 15);

    expect(waits).toEqual([60_000, 60_000, 60_000]);
    expect(collectedMs).toEqual(expect.any(Number));
    expect(getHeapStatistics().used_heap_size).toBeLessThan(before);
  });

  it('leaves V8 alone when HEAP_GROWING_PERCENT is 0', async () => {
    const projections = { waitForHead: jest.fn(async () => true) };

    await expect(applyHeapPolicyOnceLive(projections, null)).resolves.toBeNull();
    expect(projections.waitForHead).not.toHaveBeenCalled();
  });
});
