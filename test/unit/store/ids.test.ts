import { expect } from 'chai';
import { newId } from '../../../src/store/index.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('row ids (UUIDv7)', () => {
  it('are RFC 9562 version 7 UUIDs carrying the millisecond they were made', () => {
    const at = Date.UTC(2026, 10, 24, 8, 30, 0, 123);
    const id = newId(at);
    expect(id).to.match(UUID_V7);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).to.equal(at);
  });

  it('sort by time: later ids sort after earlier ones, whatever their random part', () => {
    const ids = Array.from({ length: 2000 }, (_, index) => newId(1_700_000_000_000 + Math.floor(index / 10)));
    // Each id made in a later millisecond sorts after every id of the earlier ones.
    for (let index = 10; index < ids.length; index += 10) expect(ids[index]! > ids.slice(index - 10, index).sort().at(-1)!, `id ${index}`).to.equal(true);
  });

  it('do not repeat, and their 74 random bits vary within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId(1_700_000_000_000));
    expect(new Set(ids).size).to.equal(ids.length);
    const randomParts = new Set(ids.map((id) => id.slice(15)));
    expect(randomParts.size).to.equal(ids.length);
  });
});
