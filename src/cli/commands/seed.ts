// `authbench seed`: apply the schema and load the deterministic dataset (users, credentials, roles, sessions) into
// the target's database, or reuse it when the same dataset is already there. Ctrl-C rolls the load back.
import type { CommandModule } from 'yargs';
import { withTargetOptions, type TargetArgs } from '../options.js';

interface SeedArgs extends TargetArgs {
  users: number;
  seed: number;
  'sessions-per-user'?: number;
  'revoked-share'?: number;
  'agent-share'?: number;
  'password-count'?: number;
  'hash-memory-kib'?: number;
  'hash-time-cost'?: number;
  'hash-parallelism'?: number;
  force: boolean;
}

const command: CommandModule<object, SeedArgs> = {
  command: 'seed',
  describe: 'Load the deterministic test dataset into the target database (reused when already seeded with the same settings)',
  builder: (y) =>
    withTargetOptions(y)
      .option('users', { type: 'number', default: 100_000, describe: 'Number of users' })
      .option('seed', { type: 'number', default: 1, describe: 'PRNG seed: same seed and settings give byte-identical data' })
      .option('sessions-per-user', { type: 'number', describe: 'Mean seeded sessions per user', defaultDescription: '2' })
      .option('revoked-share', { type: 'number', describe: 'Share of sessions that are revoked (0..1)', defaultDescription: '0.2' })
      .option('agent-share', { type: 'number', describe: 'Share of users that are agents with many roles (0..1)', defaultDescription: '0.02' })
      .option('password-count', { type: 'number', describe: 'Distinct known test passwords, each hashed once', defaultDescription: '32' })
      .option('hash-memory-kib', { type: 'number', describe: 'Argon2id memory cost m in KiB', defaultDescription: '19456 (OWASP minimum)' })
      .option('hash-time-cost', { type: 'number', describe: 'Argon2id passes t', defaultDescription: '2' })
      .option('hash-parallelism', { type: 'number', describe: 'Argon2id lanes p', defaultDescription: '1' })
      .option('force', { type: 'boolean', default: false, describe: 'Reseed even when the same dataset is already loaded' }),
  handler: async (args) => {
    const { targetSpecFromArgs } = await import('../options.js');
    const { provisionTarget } = await import('../../target/provision.js');
    const { prepareDatabase } = await import('../../target/prepare.js');
    const { resolveHome } = await import('../../target/state.js');
    const { seedDataset } = await import('../../target/seed/seed-dataset.js');
    const path = await import('node:path');

    const spec = targetSpecFromArgs(args);
    const hashParams = {
      ...(args['hash-memory-kib'] !== undefined ? { memoryKiB: args['hash-memory-kib'] } : {}),
      ...(args['hash-time-cost'] !== undefined ? { timeCost: args['hash-time-cost'] } : {}),
      ...(args['hash-parallelism'] !== undefined ? { parallelism: args['hash-parallelism'] } : {}),
    };
    const dataset = {
      users: args.users,
      seed: args.seed,
      ...(args['sessions-per-user'] !== undefined ? { sessionsPerUser: args['sessions-per-user'] } : {}),
      ...(args['revoked-share'] !== undefined ? { revokedShare: args['revoked-share'] } : {}),
      ...(args['agent-share'] !== undefined ? { agentShare: args['agent-share'] } : {}),
      ...(args['password-count'] !== undefined ? { passwordCount: args['password-count'] } : {}),
      hashParams,
    };
    // Validate before starting anything, so a bad flag costs no server start.
    (await import('../../dataset/spec.js')).resolveDatasetSpec(dataset);

    const controller = new AbortController();
    // Ctrl-C rolls the seeding back (or skips it, while the servers start); the servers stop when `target` is disposed.
    // A second Ctrl-C kills them at once (src/target/shutdown.ts).
    const { takeOverSignals } = await import('../../target/shutdown.js');
    const releaseSignals = takeOverSignals((signal) => {
      process.stderr.write(`authbench: ${signal} received, rolling the seeding back (press Ctrl-C again to force).\n`);
      controller.abort();
    });
    await using target = await provisionTarget(spec).catch((err: unknown) => {
      releaseSignals();
      throw err;
    });
    const tty = process.stderr.isTTY;
    let lastPhase = '';
    try {
      await prepareDatabase(target, { allowNonEmpty: spec.allowNonEmpty ?? false });
      const report = await seedDataset(target.pgUrl, dataset, {
        signal: controller.signal,
        force: args.force,
        hashCacheDir: path.join(resolveHome(spec.dataDir), 'cache'),
        onProgress: (p) => {
          if (!tty) return;
          const line = p.phase === 'copy' ? `copy ${p.table ?? ''} ${(p.rows ?? 0).toLocaleString('en')} rows` : p.phase;
          if (p.phase !== 'copy' && p.phase === lastPhase) return;
          lastPhase = p.phase;
          process.stderr.write(`\r\x1b[K  ${(p.elapsedMs / 1000).toFixed(1)} s  ${line}`);
        },
      });
      if (tty) process.stderr.write('\r\x1b[K');
      const counts = Object.entries(report.counts).map(([table, n]) => `${table} ${n.toLocaleString('en')}`).join(', ');
      process.stdout.write(
        report.reused
          ? `Dataset already loaded (fingerprint ${report.fingerprint.slice(0, 12)}): reused in ${(report.totalMs / 1000).toFixed(1)} s. ${counts}.\n`
          : `Seeded ${report.spec.users.toLocaleString('en')} users in ${(report.totalMs / 1000).toFixed(1)} s ` +
              `(${Math.round(report.spec.users / (report.totalMs / 1000)).toLocaleString('en')} users/s; fingerprint ${report.fingerprint.slice(0, 12)}). ${counts}.\n`,
      );
    } finally {
      releaseSignals();
    }
  },
};
export default command;
