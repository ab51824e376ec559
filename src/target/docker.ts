// The docker target: postgres:17 and redis:7 through testcontainers, started with the same settings as the
// embedded target (settings.ts). A missing Docker engine is found quickly and reported as dockerUnavailable.
// testcontainers is an optional dependency (about half of the production packages), loaded here and only here.
import { InfraCode, InfrastructureError } from '../errors.js';
import { checkRedis, connectPostgres, readPostgresFacts } from './check.js';
import { APP_ROLE, EMBEDDED_DATABASE } from './embedded.js';
import { postgresContainerArgs, redisContainerArgs, resolveServerSettings } from './settings.js';
import { generatePassword } from './state.js';
import type { Target, TargetSpec } from './types.js';

export const POSTGRES_IMAGE = 'postgres:17';
export const REDIS_IMAGE = 'redis:7';
const RUNTIME_TIMEOUT_MS = 10_000;

export const TESTCONTAINERS_INSTALL = 'npm install testcontainers';

/** The testcontainers module, or an InfrastructureError (exit 3) naming the install command when it is absent. */
export async function loadTestcontainers(): Promise<typeof import('testcontainers')> {
  try {
    return await import('testcontainers');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw cause;
    throw new InfrastructureError(
      InfraCode.dockerClientMissing,
      'The docker target needs the optional package testcontainers, which is not installed (npm ci --omit=optional, or an install without optional dependencies).',
      { hint: `Install it with \`${TESTCONTAINERS_INSTALL}\` in the directory authbench is installed in, or use the default embedded target (--target embedded), which needs no Docker.`, cause },
    );
  }
}

/** Resolves when testcontainers finds a working Docker engine; throws dockerUnavailable otherwise (within ~10 s). */
export async function assertDockerAvailable(): Promise<void> {
  const { getContainerRuntimeClient } = await loadTestcontainers();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${RUNTIME_TIMEOUT_MS / 1000} s`)), RUNTIME_TIMEOUT_MS);
      }),
    ]);
  } catch (cause) {
    throw new InfrastructureError(InfraCode.dockerUnavailable, `No Docker engine answers (${(cause as Error).message}); the docker target needs one.`, {
      hint: 'Start Docker (or set DOCKER_HOST), or use the default embedded target (--target embedded), which needs no Docker.',
      cause,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** True when a Docker engine answers (for doctor). */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await assertDockerAvailable();
    return true;
  } catch {
    return false;
  }
}

export async function provisionDocker(spec: TargetSpec): Promise<Target> {
  await assertDockerAvailable();
  const { GenericContainer, Wait } = await loadTestcontainers();
  const settings = resolveServerSettings(spec.settings);
  const password = generatePassword();
  const appPassword = generatePassword();
  const postgres = await new GenericContainer(POSTGRES_IMAGE)
    .withEnvironment({ POSTGRES_PASSWORD: password, POSTGRES_DB: EMBEDDED_DATABASE })
    .withCommand(postgresContainerArgs(settings))
    .withExposedPorts(5432)
    .withSharedMemorySize(1024 * 1024 * 1024)
    .withUlimits({ nofile: { soft: 65536, hard: 65536 } })
    // The image's entrypoint restarts the server once after initdb: wait for the second "ready".
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  let redis;
  try {
    redis = await new GenericContainer(REDIS_IMAGE)
      .withCommand(redisContainerArgs(settings))
      .withExposedPorts(6379)
      .withUlimits({ nofile: { soft: 65536, hard: 65536 } })
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
      .start();
  } catch (err) {
    await postgres.stop();
    throw err;
  }
  const host = postgres.getHost();
  const pgPort = postgres.getMappedPort(5432);
  const pgUrl = `postgres://postgres:${password}@${host}:${pgPort}/${EMBEDDED_DATABASE}`;
  const redisUrl = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled([redis.stop(), postgres.stop()]);
  };
  try {
    const client = await connectPostgres(pgUrl);
    let facts;
    try {
      await client.query(`ALTER DATABASE ${EMBEDDED_DATABASE} SET synchronous_commit = ${settings.synchronousCommit ? 'on' : 'off'}`);
      facts = await readPostgresFacts(client, pgUrl);
    } finally {
      await client.end().catch(() => undefined);
    }
    const { redisVersion } = await checkRedis(redisUrl);
    return {
      kind: 'docker',
      pgUrl,
      appPgUrl: `postgres://${APP_ROLE}:${appPassword}@${host}:${pgPort}/${EMBEDDED_DATABASE}`,
      appPassword,
      redisUrl,
      serverVersion: facts.serverVersion,
      redisVersion,
      settings: facts.settings,
      started: true,
      async [Symbol.asyncDispose]() {
        if (!spec.keepRunning) await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
