import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LruMap } from './lru-map.ts';

describe('LruMap', () => {
  it('drops the least recently used entry past its capacity, a read counting as a use', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    assert.equal(map.get('a'), 1); // 'b' is now the least recently used
    map.set('c', 3);
    assert.equal(map.get('b'), undefined);
    assert.equal(map.get('a'), 1);
    assert.equal(map.get('c'), 3);
    assert.equal(map.size, 2);
  });

  it('replaces a value in place of adding one, and forgets on delete and clear', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('a', 2);
    map.set('b', 3);
    assert.equal(map.size, 2);
    assert.equal(map.get('a'), 2);
    map.delete('a');
    assert.equal(map.get('a'), undefined);
    map.clear();
    assert.equal(map.size, 0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new LruMap(capacity), RangeError, String(capacity));
    }
  });
});
