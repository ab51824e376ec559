// Password verify and the hash limiter: right/wrong passwords, malformed strings, the in-flight bound, and that
// PHC strings from node-argon2 and @node-rs/argon2 verify with either binding (seeded rows must work with both).
import { spawnSync } from 'node:child_process';
import { hash, type Algorithm } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { MalformedPasswordHashError, createHashLimiter, verifyPassword, type VerifyFunction } from './password.js';

const ARGON2ID = 2 as Algorithm;
const LOW_COST = { algorithm: ARGON2ID, memoryCost: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse';

/** Made by node-argon2 0.45.1 (password `correct horse`); note its parameter order m,p,t. */
const NODE_ARGON2_PHC = [
  '$argon2id$v=19$m=1024,p=1,t=1$D9PsiUKjczuy2KJ/N9Wayw$pctQbdv+vWj6ODrV4Xi1QVyjgp9mtP82e0CL3N2OSqg',
  '$argon2id$v=19$m=2048,p=2,t=2$9FX3xzjehCu1ygbu8TNDTQ$YKXANUkLleoO1qxCVrbKd6r1FReRN80SY/JbhI7Afqs',
  '$argon2i$v=19$m=1024,p=1,t=1$OntxvJu7PuDGnR5vkT7j0g$MR5IQbEbFi+51WI9pVy3IxrGj0wr3/3ptNqdEiaiOJo',
];

/** A verify that stays pending until the test releases it, counting how many run at once. */
function instrumentedVerify(): { verify: VerifyFunction; peak: () => number; releaseAll: () => void; pending: () => number } {
  let running = 0;
  let peak = 0;
  const releases: (() => void)[] = [];
  const verify: VerifyFunction = async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running--;
    return true;
  };
  return { verify, peak: () => peak, pending: () => releases.length, releaseAll: () => releases.splice(0).forEach((r) => r()) };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('verifyPassword', () => {
  it('accepts the right password and refuses a wrong one', async () => {
    const phc = await hash(PASSWORD, LOW_COST);
    expect(await verifyPassword(phc, PASSWORD)).toBe(true);
    expect(await verifyPassword(phc, 'correct horse!')).toBe(false);
    expect(await verifyPassword(phc, '')).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['not a PHC string', 'garbage'],
    ['bcrypt', '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234'],
    ['truncated', '$argon2id$v=19$m=1024,t=1,p=1$D9Ps'],
    ['unknown variant', '$argon2x$v=19$m=1024,t=1,p=1$D9PsiUKjczuy2KJ/N9Wayw$pctQbdv+vWj6ODrV4Xi1QVyjgp9mtP82e0CL3N2OSqg'],
    ['zero time cost', '$argon2id$v=19$m=1024,t=0,p=1$D9PsiUKjczuy2KJ/N9Wayw$pctQbdv+vWj6ODrV4Xi1QVyjgp9mtP82e0CL3N2OSqg'],
    // Would allocate ~95 GiB if run: must be refused before hashing.
    ['huge memory cost', '$argon2id$v=19$m=99999999,t=1,p=1$D9PsiUKjczuy2KJ/N9Wayw$pctQbdv+vWj6ODrV4Xi1QVyjgp9mtP82e0CL3N2OSqg'],
    ['huge time cost', '$argon2id$v=19$m=1024,t=100000,p=1$D9PsiUKjczuy2KJ/N9Wayw$pctQbdv+vWj6ODrV4Xi1QVyjgp9mtP82e0CL3N2OSqg'],
  ])('throws MalformedPasswordHashError for a malformed hash (%s)', async (_label, phc) => {
    const err = await verifyPassword(phc, PASSWORD).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedPasswordHashError);
    expect((err as MalformedPasswordHashError).code).toBe('AB_ERR_MALFORMED_PASSWORD_HASH');
  });
});

describe('createHashLimiter', () => {
  it('never has more than maxConcurrent verifies in flight, and runs them all in arrival order', async () => {
    const inst = instrumentedVerify();
    const limiter = createHashLimiter(3, { verify: inst.verify });
    const order: number[] = [];
    const all = Array.from({ length: 20 }, (_, k) => limiter.verify('phc', 'pw').then(() => order.push(k)));
    for (let round = 0; inst.pending() > 0 || limiter.waiting > 0; round++) {
      await tick();
      expect(inst.pending()).toBeLessThanOrEqual(3);
      expect(limiter.inFlight).toBeLessThanOrEqual(3);
      inst.releaseAll();
      expect(round).toBeLessThan(100);
    }
    await Promise.all(all);
    expect(inst.peak()).toBe(3);
    expect(order).toEqual(Array.from({ length: 20 }, (_, k) => k));
    expect(limiter.inFlight).toBe(0);
  });

  it('bounds real Argon2 verifies and gives every caller the right answer', async () => {
    let running = 0;
    let peak = 0;
    const counted: VerifyFunction = async (phc, pw) => {
      running++;
      peak = Math.max(peak, running);
      try {
        return await verifyPassword(phc, pw);
      } finally {
        running--;
      }
    };
    const limiter = createHashLimiter(2, { verify: counted });
    const phc = await hash(PASSWORD, LOW_COST);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, k) => limiter.verify(phc, k % 3 === 0 ? 'wrong' : PASSWORD)));
    expect(answers).toEqual(Array.from({ length: 12 }, (_, k) => k % 3 !== 0));
    expect(peak).toBe(2);
  });

  it('frees the slot when a verify throws, so a malformed hash cannot wedge the limiter', async () => {
    const limiter = createHashLimiter(1);
    await expect(limiter.verify('garbage', PASSWORD)).rejects.toBeInstanceOf(MalformedPasswordHashError);
    expect(limiter.inFlight).toBe(0);
    expect(await limiter.verify(await hash(PASSWORD, LOW_COST), PASSWORD)).toBe(true);
  });

  it('defaults to one slot per core and rejects a bound below 1', () => {
    expect(createHashLimiter().maxConcurrent).toBeGreaterThanOrEqual(1);
    expect(() => createHashLimiter(0)).toThrow(new RangeError('maxConcurrent: expected an integer >= 1, got 0'));
    expect(() => createHashLimiter(1.5)).toThrow(RangeError);
  });
});

/** node-argon2 is probed in a child: its shipped Linux prebuild needs Node-API 10 and crashes Node 20 on require(). */
function nodeArgon2Loads(): boolean {
  return spawnSync(process.execPath, ['-e', "require('argon2')"], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

describe('interoperability between bindings', () => {
  it('verifies PHC strings made by node-argon2 (argon2id, p=2, argon2i)', async () => {
    for (const phc of NODE_ARGON2_PHC) {
      expect(await verifyPassword(phc, PASSWORD)).toBe(true);
      expect(await verifyPassword(phc, 'wrong')).toBe(false);
    }
  });

  it.skipIf(!nodeArgon2Loads())('node-argon2 verifies PHC strings made by @node-rs/argon2, including seed-style fixed salts', async () => {
    const strings = [await hash(PASSWORD, LOW_COST), await hash(PASSWORD, { ...LOW_COST, salt: Buffer.alloc(16, 7) })];
    const script = `const a = require('argon2');
      (async () => { const out = [];
        for (const phc of ${JSON.stringify(strings)}) out.push(await a.verify(phc, ${JSON.stringify(PASSWORD)}), await a.verify(phc, 'wrong'));
        console.log(JSON.stringify(out)); })();`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout) as boolean[]).toEqual([true, false, true, false]);
  });
});
