import { describe, expect, it } from 'vitest';
import { durabilityWeakenedBy } from './durability.js';

describe('durabilityWeakenedBy', () => {
  it('names every reported setting that may lose a commit, and nothing for a durable server', () => {
    expect(durabilityWeakenedBy({ fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on', wal_level: 'replica' })).toEqual([]);
    expect(durabilityWeakenedBy({ synchronous_commit: 'local' })).toEqual([]);
    expect(durabilityWeakenedBy({ fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', wal_level: 'minimal', shared_buffers: '1GB' })).toEqual([
      'fsync=off',
      'synchronous_commit=off',
      'full_page_writes=off',
      'wal_level=minimal',
    ]);
  });
});
