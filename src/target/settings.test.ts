import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultServerSettings, dockerConfigFiles, postgresSettings, redisSettings, resolveServerSettings } from './settings.js';

const GiB = 1024 ** 3;

describe('server settings', () => {
  it('fit the 750-connection target and the workload', () => {
    const pg = postgresSettings(defaultServerSettings(24 * GiB));
    expect(Number(pg.max_connections)).toBeGreaterThanOrEqual(1000);
    expect(pg.shared_buffers).toBe('4GB'); // 25% capped at 4GB
    expect(pg.synchronous_commit).toBe('on');
    expect(pg.fsync).toBe('on');
    expect(pg.shared_preload_libraries).toBe('pg_stat_statements');
    expect(pg['pg_stat_statements.track']).toBe('top');
    expect(pg.track_io_timing).toBe('on');
    expect(['off', 'try']).toContain(pg.huge_pages);
    expect(Number(redisSettings(defaultServerSettings()).maxclients)).toBeGreaterThanOrEqual(10_000);
  });

  it('scale shared_buffers with memory', () => {
    expect(defaultServerSettings(2 * GiB).sharedBuffers).toBe('512MB');
    expect(defaultServerSettings(6 * GiB).sharedBuffers).toBe('1536MB');
  });

  it('let the scenario override fields and add raw settings last', () => {
    const pg = postgresSettings(resolveServerSettings({ synchronousCommit: false, commitDelay: 10, postgresOptions: { work_mem: '8MB', jit: 'on' } }));
    expect(pg.synchronous_commit).toBe('off');
    expect(pg.commit_delay).toBe('10');
    expect(pg.work_mem).toBe('8MB');
    expect(pg.jit).toBe('on');
  });

  it('agree with the checked-in docker/ files (regenerate: npx tsx src/target/write-docker-config.ts)', async () => {
    for (const [name, expected] of Object.entries(dockerConfigFiles())) {
      const actual = await fs.readFile(path.resolve('docker', name), 'utf8');
      expect(actual, `docker/${name} is out of date`).toBe(expected);
    }
  });
});
