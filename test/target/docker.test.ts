// The docker target: on a machine without a Docker engine (like CI here) it must fail fast with dockerUnavailable.
import { describe, expect, it } from 'vitest';
import { InfraCode } from '../../src/errors.js';
import { dockerAvailable } from '../../src/target/docker.js';
import { provisionTarget } from '../../src/target/provision.js';

const hasDocker = await dockerAvailable();

describe('docker target', () => {
  it.skipIf(hasDocker)('reports a missing Docker engine quickly and clearly', async () => {
    const started = performance.now();
    const err = await provisionTarget({ kind: 'docker' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: InfraCode.dockerUnavailable, exitCode: 3 });
    expect((err as { toUserText(): string }).toUserText()).toContain('--target embedded');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it.runIf(hasDocker)('starts postgres:17 and redis:7 with the embedded settings', async () => {
    await using target = await provisionTarget({ kind: 'docker' });
    expect(target.serverVersion).toMatch(/^17\./);
    expect(target.settings.max_connections).toBe('1000');
  }, 300_000);
});
