import { createHash } from 'node:crypto';
import { deterministicUuid, isUuid } from './ids';

/** The byte-wise definition: the first 16 bytes of SHA-256, version 5 in byte 6, variant 10 in byte 8. */
function byteWiseUuid(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

describe('deterministicUuid', () => {
  it('gives the ids stored before: a changed id would store a retried event a second time', () => {
    expect(deterministicUuid('session_954828d9e7cac1721621aba8d3fb39a0', 'event', 'evt-1')).toBe('e37dd812-4c01-5c36-bc3e-7f7a6cd0d6fe');
    expect(deterministicUuid('session_00000000000000000000000000000000', 'event', 'a')).toBe('e4365bd4-9bb4-5bfe-bf3d-f248917dda69');
    expect(deterministicUuid('s', 'run', 'r/1:x@y')).toBe('0fffd0b6-2c85-56e8-bc00-ce7e9e873799');
    expect(deterministicUuid('', 'x')).toBe('3c7e9bc9-30dc-53f0-9fa6-9985ef242d9f');
    expect(deterministicUuid('org', 'tool', 'ünïcode ✓')).toBe('acfeca07-e0e3-5c37-ab54-e3297e5b9157');
  });

  it('matches the byte-wise definition for every value of the version and variant bytes', () => {
    const variants = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const id = deterministicUuid('session_954828d9e7cac1721621aba8d3fb39a0', 'event', `evt-${i}`);
      expect(id).toBe(byteWiseUuid('session_954828d9e7cac1721621aba8d3fb39a0', 'event', `evt-${i}`));
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('5');
      variants.add(id[19]!);
    }
    expect([...variants].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
