// Refresh secrets come from the CSPRNG in blocks: still 256 bits each, all distinct, and hashed as before.
import { describe, expect, it } from 'vitest';
import { createRefreshSecret, hashRefreshSecret } from './refresh-token.js';

describe('createRefreshSecret', () => {
  it('gives distinct 256-bit secrets across many blocks, each with its sha256', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const { secret, hash } = createRefreshSecret();
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
      expect(hash.equals(hashRefreshSecret(secret))).toBe(true);
      seen.add(secret);
    }
    expect(seen.size).toBe(1000);
  });
});
