import { csvDocument, csvField, csvLine } from './csv';

describe('CSV formatting', () => {
  it('leaves plain values as they are and prints null as an empty field', () => {
    expect(csvLine(['claude-x', 12, 0.5, null, undefined, true])).toBe('claude-x,12,0.5,,,true');
  });

  it('quotes commas, quotes, line breaks and edge spaces, doubling inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('USER:alice')).toBe('USER:alice');
  });

  it('prints numbers exactly and never in exponent notation', () => {
    expect(csvField(0.1 + 0.2)).toBe(String(0.1 + 0.2));
    expect(csvField(1e21)).toBe('1000000000000000000000');
    expect(csvField(1e-7)).toBe('0.0000001');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('writes a header and one line per row, each ending in a newline', () => {
    expect(csvDocument(['model', 'requests'], [['a', 1], ['b,c', 2]])).toBe('model,requests\na,1\n"b,c",2\n');
    expect(csvDocument(['only'], [])).toBe('only\n');
  });
});
