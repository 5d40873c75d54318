import { BadUserInputError, RUN_EVENT_TYPES } from '@ledger/domain';
import { validateInput } from '../validation';
import { AppendRunEventsInput, plainlyValidAppend } from './append-run-events.resolver';

const SESSION = `session_${'0123456789abcdef'.repeat(2)}`;
const event = (extra: Record<string, unknown> = {}) => ({ id: 'evt-1', type: 'MESSAGE', at: '2026-12-01T10:00:00.000Z', data: { role: 'user', text: 'hello' }, ...extra });
const input = (extra: Record<string, unknown> = {}) => ({ sessionId: SESSION, runId: 'run-1', events: [event()], ...extra });

function accepted(raw: unknown): boolean {
  try {
    validateInput(AppendRunEventsInput, raw);
    return true;
  } catch (error) {
    if (error instanceof BadUserInputError) return false;
    throw error;
  }
}

/** Inputs validateInput accepts: the fast check must take every one of them. */
const VALID: Array<[string, unknown]> = [
  ['a typical batch', input()],
  ['no runId, no ids, no at', { sessionId: SESSION, events: [{ type: 'LOG', data: { message: 'm' } }] }],
  ['null optionals', input({ runId: null, expectedSequence: null, events: [event({ id: null, at: null })] })],
  ['expectedSequence -1 and 41', input({ expectedSequence: -1 })],
  ['expectedSequence 41', input({ expectedSequence: 41 })],
  ['every event type', input({ events: RUN_EVENT_TYPES.map((type, index) => event({ id: `e-${index}`, type })) })],
  ['an offset date-time', input({ events: [event({ at: '2026-12-01T10:00:00+02:00' })] })],
  ['nested data with arrays, nulls and a __proto__ key', input({ events: [event({ data: JSON.parse('{"a":[1,{"b":null}],"__proto__":{"x":true}}') })] })],
  ['a 128-character id', input({ events: [event({ id: 'a'.repeat(128) })] })],
];

/** Inputs validateInput refuses: the fast check must refuse them too (they go on to validateInput for the message). */
const INVALID: Array<[string, unknown]> = [
  ['not an object', 'x'],
  ['null', null],
  ['bad session id', input({ sessionId: 'session_xyz' })],
  ['session id a number', input({ sessionId: 5 })],
  ['run id with a NUL', input({ runId: 'a\u0000b' })],
  ['run id too long', input({ runId: 'r'.repeat(129) })],
  ['expectedSequence -2', input({ expectedSequence: -2 })],
  ['expectedSequence 1.5', input({ expectedSequence: 1.5 })],
  ['expectedSequence a string', input({ expectedSequence: '3' })],
  ['events not a list', input({ events: event() })],
  ['no events', input({ events: [] })],
  ['an event that is a string', input({ events: ['x'] })],
  ['an event that is null', input({ events: [null] })],
  ['unknown type', input({ events: [event({ type: 'NOPE' })] })],
  ['type missing', input({ events: [{ data: {} }] })],
  ['bad id', input({ events: [event({ id: 'a b' })] })],
  ['id a number', input({ events: [event({ id: 7 })] })],
  ['impossible date', input({ events: [event({ at: '2026-13-45T25:61:00Z' })] })],
  ['date in words', input({ events: [event({ at: 'yesterday' })] })],
  ['data a string', input({ events: [event({ data: 'just a string' })] })],
  ['data null', input({ events: [event({ data: null })] })],
  ['data a list', input({ events: [event({ data: [1] })] })],
  ['data missing', input({ events: [{ type: 'LOG' }] })],
  ['data with a lone surrogate', input({ events: [event({ data: { message: 'bad \ud800 text' } })] })],
  ['data with a lone surrogate key', input({ events: [event({ data: { '\udc00': 1 } })] })],
  ['data with Infinity', input({ events: [event({ data: { n: Infinity } })] })],
  ['data nested 65 levels', input({ events: [event({ data: JSON.parse(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`) })] })],
  ['data holding a Date', input({ events: [event({ data: { when: new Date() } })] })],
  ['a constructor key on the input', JSON.parse(`{"sessionId":"${SESSION}","events":[{"type":"LOG","data":{}}],"constructor":{"x":1}}`)],
  ['a __proto__ key on an event', JSON.parse(`{"sessionId":"${SESSION}","events":[{"type":"LOG","data":{},"__proto__":{"x":1}}]}`)],
  ['one bad event among good ones', input({ events: [event({ id: 'a' }), event({ id: 'b', type: 'NOPE' }), event({ id: 'c' })] })],
];

describe('plainlyValidAppend (the fast path of appendRunEvents validation)', () => {
  it.each(VALID)('takes %s, which validateInput accepts', (_name, raw) => {
    expect(accepted(raw)).toBe(true);
    expect(plainlyValidAppend(raw)).toBe(true);
  });

  it.each(INVALID)('leaves %s to validateInput, which refuses it', (_name, raw) => {
    expect(accepted(raw)).toBe(false);
    expect(plainlyValidAppend(raw)).toBe(false);
  });

  it('leaves inputs with fields outside the contract to validateInput', () => {
    const raw = input({ extra: 'x' });
    expect(plainlyValidAppend(raw)).toBe(false);
    expect(accepted(raw)).toBe(true);
  });

  it('never takes an input validateInput refuses, over random mutations of a valid batch', () => {
    let seed = 20261202;
    const random = () => ((seed = (Math.imul(seed, 48271) >>> 0) % 2147483647) / 2147483647);
    const values: unknown[] = [null, undefined, '', 'x', 0, -1, -2, 1.5, 'MESSAGE', 'NOPE', [], {}, [1], 'a b', '2026-12-01T10:00:00Z', 'session_xyz', SESSION, { a: 1 }, 'r'.repeat(200), '\ud800'];
    const fields = ['sessionId', 'runId', 'expectedSequence', 'events'];
    const eventFields = ['id', 'type', 'at', 'data'];
    let taken = 0;
    for (let i = 0; i < 2000; i++) {
      const raw: Record<string, unknown> = input({ events: [event({ id: 'a' }), event({ id: 'b' })] });
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
      for (let m = 0; m < 1 + Math.floor(random() * 2); m++) {
        if (random() < 0.4) raw[pick(fields)] = pick(values);
        else {
          const events = raw.events;
          const target: unknown = Array.isArray(events) && events.length > 0 ? events[Math.floor(random() * events.length)] : null;
          if (typeof target === 'object' && target !== null) (target as Record<string, unknown>)[pick(eventFields)] = pick(values);
        }
      }
      if (plainlyValidAppend(raw)) {
        taken++;
        expect(accepted(raw)).toBe(true);
      }
    }
    // Not vacuous: some mutations keep the batch valid.
    expect(taken).toBeGreaterThan(50);
  });
});
