// The access tokens: they round-trip, refuse what a verifier must refuse (another key, a changed payload, another
// alg, expiry), and Debian's openssl verifies our signature independently of node's verify.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessTokens, claimsOf } from './jwt.js';

const now = 1_800_000_000_000;
const claims = claimsOf({ jti: '0190f3c2-0000-7000-8000-000000000001', userId: '42', issuedAtMs: now, expiresAtMs: now + 3_600_000 });

describe('AccessTokens', () => {
  const tokens = new AccessTokens(7);

  it('signs a compact EdDSA JWT with the jti and expiry, and verifies it', () => {
    const token = tokens.sign(claims);
    const [header, payload] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'EdDSA', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({ iss: 'authbench', sub: '42', jti: claims.jti, iat: claims.iat, exp: claims.exp });
    expect(tokens.verify(token, now + 1000)).toEqual({ ok: true, claims });
    expect(new AccessTokens(7).verify(token, now)).toEqual({ ok: true, claims }); // another worker, same run seed
  });

  it('refuses another key, a changed payload, another alg, garbage and an expired token', () => {
    const token = tokens.sign(claims);
    expect(new AccessTokens(8).verify(token, now)).toEqual({ ok: false, reason: 'malformed' }); // another kid in the header
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: 'authbench', sub: '1', jti: claims.jti, iat: claims.iat, exp: claims.exp })).toString('base64url')}.${s}`;
    expect(tokens.verify(forged, now)).toEqual({ ok: false, reason: 'signature' });
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${token.split('.')[1]}.`;
    expect(tokens.verify(none, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(tokens.verify('not-a-token', now)).toEqual({ ok: false, reason: 'malformed' });
    expect(tokens.verify(token, claims.exp * 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('is verified by openssl too (an independent Ed25519 implementation)', () => {
    const token = tokens.sign(claims);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'authbench-jwt-'));
    try {
      const [h, p, s] = token.split('.');
      writeFileSync(path.join(dir, 'pub.pem'), createPublicKey({ key: tokens.publicJwk() as never, format: 'jwk' }).export({ format: 'pem', type: 'spki' }));
      writeFileSync(path.join(dir, 'input'), `${h}.${p}`);
      writeFileSync(path.join(dir, 'sig'), Buffer.from(s!, 'base64url'));
      const out = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-in', 'input', '-sigfile', 'sig'], { cwd: dir }).toString();
      expect(out).toMatch(/Signature Verified Successfully/);
      writeFileSync(path.join(dir, 'input'), `${h}.${p}x`);
      expect(() => execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-in', 'input', '-sigfile', 'sig'], { cwd: dir, stdio: 'pipe' })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
