import { describe, expect, it } from 'vitest';
import { SubmitKeys } from './client.ts';

describe('SubmitKeys', () => {
  it('keeps the key for the same body until it is answered, and makes a new one for another body', () => {
    const keys = new SubmitKeys();
    const body = { kind: 'presale', shipDate: '2026-11-20', units: 10 };
    const first = keys.keyFor(body);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(keys.keyFor({ ...body })).toBe(first);
    const other = keys.keyFor({ ...body, units: 11 });
    expect(other).not.toBe(first);
    keys.done();
    expect(keys.keyFor({ ...body, units: 11 })).not.toBe(other);
  });
});
