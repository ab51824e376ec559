// Unit tests of the known-password hash set: real Argon2id PHC strings, deterministic, verified, cached on disk.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '@node-rs/argon2';
import { hashKnownPasswords, knownPasswordHashes } from './password-hashes.js';
import { passwordForUser, testPassword, wrongPasswordForUser } from '../../dataset/identities.js';

const FAST = { memoryKiB: 1024, timeCost: 1, parallelism: 1 };

describe('known password hashes', () => {
  it('are deterministic Argon2id PHC strings that verify only the right password', async () => {
    const a = await hashKnownPasswords(3, 4, FAST);
    const b = await hashKnownPasswords(3, 4, FAST);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(4);
    expect(a[0]).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verify(a[2]!, testPassword(3, 2))).toBe(true);
    expect(await verify(a[2]!, passwordForUser(3, 6, 4))).toBe(true);
    expect(await verify(a[2]!, wrongPasswordForUser(3, 6, 0, 4))).toBe(false);
  });

  it('are read back from the cache folder, and a tampered cache is ignored', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-hash-cache-'));
    try {
      const first = await knownPasswordHashes(11, 3, FAST, { cacheDir: dir });
      const [file] = await fs.readdir(dir);
      expect(file).toBe('argon2id-11-3-m1024-t1-p1.json');
      expect(JSON.parse(await fs.readFile(path.join(dir, file!), 'utf8'))).toEqual(first);
      // A different count is a different key: computed, not taken from the other file.
      await fs.writeFile(path.join(dir, 'argon2id-11-2-m1024-t1-p1.json'), JSON.stringify(['$argon2id$bogus', 'x']));
      const two = await knownPasswordHashes(11, 2, FAST, { cacheDir: dir });
      expect(two).toEqual(first.slice(0, 2));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
