// The DateTime scalar answers the same text graphql-scalars' Date did once JSON-encoded, as a
// string, for every kind of value a resolver may give, and keeps no stale text between times.
import { DateTimeResolver } from 'graphql-scalars';
import { describe, expect, it } from 'vitest';
import { DateTime } from '../src/schema/date-time.ts';

const asJson = (value: unknown) => JSON.parse(JSON.stringify(DateTimeResolver.serialize(value)));

describe('DateTime scalar', () => {
  it('answers ISO 8601 strings, the text graphql-scalars gave through JSON', () => {
    for (const value of [
      new Date('2026-12-01T10:00:00.123Z'),
      '2026-12-01T11:00:00+02:00',
      '2026-12-01T09:00:00.5Z',
      Date.UTC(2025, 0, 2, 3, 4, 5, 6),
    ]) {
      const text = DateTime.serialize(value);
      expect(typeof text).toBe('string');
      expect(text).toBe(asJson(value));
    }
  });

  it('gives each time its own text, whether the Date is new, reused or changed in place', () => {
    const shared = new Date('2026-12-01T10:00:00.000Z');
    expect(DateTime.serialize(shared)).toBe('2026-12-01T10:00:00.000Z');
    expect(DateTime.serialize(new Date(shared.getTime()))).toBe('2026-12-01T10:00:00.000Z');
    shared.setTime(shared.getTime() + 1);
    expect(DateTime.serialize(shared)).toBe('2026-12-01T10:00:00.001Z');
    expect(DateTime.serialize(new Date('2026-12-01T10:00:00.000Z'))).toBe('2026-12-01T10:00:00.000Z');
  });

  it('refuses what graphql-scalars refuses', () => {
    expect(() => DateTime.serialize(new Date(Number.NaN))).toThrow(/invalid Date/);
    expect(() => DateTime.serialize('yesterday')).toThrow(/invalid date-time-string/);
    expect(() => DateTime.serialize({})).toThrow(/non string/);
  });
});
