// The session pool hands sessions out one at a time and gives up all of one user's after a log-out-everywhere.
import { describe, expect, it } from 'vitest';
import { SessionPool } from './session-pool.js';

describe('SessionPool.takeAllOf', () => {
  it('takes out every session of one user and leaves the others in order', () => {
    const pool = new SessionPool();
    const add = (jti: string, userId: string): void => pool.add({ jti, userId, expiresAtMs: 1, refreshSecret: null });
    add('a', '1');
    add('b', '2');
    add('c', '1');
    add('d', '3');
    expect(pool.takeAllOf('1').map((s) => s.jti)).toEqual(['a', 'c']);
    expect(pool.takeAllOf('9')).toEqual([]);
    expect(pool.size).toBe(2);
    expect(pool.take()?.jti).toBe('d');
    expect(pool.take()?.jti).toBe('b');
  });
});
