// Writes docker/compose.yaml, docker/postgresql.conf, docker/redis.conf and docker/pgbouncer/ from settings.ts.
// Run: npx tsx src/target/write-docker-config.ts (a test fails when the checked-in files drift).
import fs from 'node:fs/promises';
import path from 'node:path';
import { dockerConfigFiles } from './settings.js';

const dir = path.resolve(process.argv[2] ?? 'docker');
await fs.mkdir(dir, { recursive: true });
for (const [name, content] of Object.entries(dockerConfigFiles())) {
  await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
  await fs.writeFile(path.join(dir, name), content);
  console.log(`wrote ${path.join(dir, name)}`);
}
