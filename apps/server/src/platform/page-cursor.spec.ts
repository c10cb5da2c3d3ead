import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containsPattern, decodeCursor, encodeCursor, pageOf } from './page-cursor.ts';

describe('page cursors', () => {
  it('round-trips a position as URL-safe text', () => {
    const position = {
      sortKey: '2026-11-22T10:00:00.000Z',
      id: 'b2a3c9f0-0000-4000-8000-000000000000',
    };
    const cursor = encodeCursor('catalog', position);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor('catalog', cursor), position);
  });

  it('refuses garbage and cursors of another listing', () => {
    const cursor = encodeCursor('mine', { sortKey: 'x', id: 'y' });
    for (const bad of [cursor, 'not-a-cursor', Buffer.from('{"a":1}').toString('base64url')]) {
      assert.throws(() => decodeCursor('catalog', bad), { code: 'invalid_cursor' });
    }
  });

  it('cuts a page and points after its last item only when more exist', () => {
    const rows = [1, 2, 3].map((n) => ({ key: String(n), id: `id${String(n)}` }));
    const toPosition = (row: { key: string; id: string }) => ({ sortKey: row.key, id: row.id });
    const full = pageOf(rows, 2, 'l', toPosition);
    assert.deepEqual(full.rows, rows.slice(0, 2));
    assert.deepEqual(decodeCursor('l', full.nextCursor ?? ''), { sortKey: '2', id: 'id2' });
    assert.equal(pageOf(rows, 3, 'l', toPosition).nextCursor, null);
  });

  it('escapes LIKE wildcards in searches', () => {
    assert.equal(containsPattern('50%_Off\\'), '%50\\%\\_off\\\\%');
  });
});
