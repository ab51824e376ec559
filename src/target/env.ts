// URLs of the servers `authbench provision` left running, read from state.json (for `authbench env`).
import { InfraCode, InfrastructureError } from '../errors.js';
import { isProcessOf, readState, resolveHome, stateFilePath } from './state.js';

export interface ProvisionedUrls {
  DATABASE_URL: string;
  AUTHBENCH_APP_URL: string;
  REDIS_URL: string;
}

/** Full URLs (passwords included) of the running provisioned servers; stateFileConflict when none are running. */
export async function provisionedUrls(dataDir?: string): Promise<ProvisionedUrls> {
  const home = resolveHome(dataDir);
  const running = (await readState(home))?.running;
  const alive = running !== undefined && (await isProcessOf(running.postgres.pid, 'postgres')) && (await isProcessOf(running.redis.pid, 'redis-server'));
  if (!running || !alive) {
    throw new InfrastructureError(InfraCode.stateFileConflict, `No provisioned servers are running (${stateFilePath(home)}).`, {
      hint: 'Start them with `authbench provision`.',
    });
  }
  return { DATABASE_URL: running.pgUrl, AUTHBENCH_APP_URL: running.appPgUrl, REDIS_URL: running.redisUrl };
}
