// The access tokens: they round-trip, refuse what a verifier must refuse (another key, a changed payload, another
// alg, expiry), and Debian's openssl verifies our signature independently of node's verify.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPublicKey, verify } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessTokens, claimsOf } from './jwt.js';

const now = 1_800_000_000_000;
const claims = claimsOf({ jti: '0190f3c2-0000-7000-8000-000000000001', userId: '42', issuedAtMs: now, expiresAtMs: now + 3_600_000 });

describe('AccessTokens', () => {
  const tokens = new AccessTokens(7);

  it('signs a compact ES256 JWT with the jti and expiry, and verifies it', () => {
    const token = tokens.sign(claims);
    const [header, payload] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'ES256', typ: 'JWT' });
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

  it('refuses a signature that is not 64 bytes of r ‖ s (a DER one included)', () => {
    const [h, p, s] = tokens.sign(claims).split('.');
    const der = derSignature(Buffer.from(s!, 'base64url'));
    expect(tokens.verify(`${h}.${p}.${der.toString('base64url')}`, now)).toEqual({ ok: false, reason: 'signature' });
    expect(tokens.verify(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`, now)).toEqual({ ok: false, reason: 'signature' });
  });

  it("is verified by openssl too (an independent ECDSA implementation), and openssl's signature by us", () => {
    const token = tokens.sign(claims);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'authbench-jwt-'));
    try {
      const [h, p, s] = token.split('.');
      const pub = createPublicKey({ key: tokens.publicJwk() as never, format: 'jwk' });
      expect(pub.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
      writeFileSync(path.join(dir, 'pub.pem'), pub.export({ format: 'pem', type: 'spki' }));
      writeFileSync(path.join(dir, 'input'), `${h}.${p}`);
      writeFileSync(path.join(dir, 'sig'), derSignature(Buffer.from(s!, 'base64url')));
      const verifyArgs = ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig', 'input'];
      expect(execFileSync('openssl', verifyArgs, { cwd: dir }).toString()).toMatch(/Verified OK/);
      writeFileSync(path.join(dir, 'input'), `${h}.${p}x`);
      expect(() => execFileSync('openssl', verifyArgs, { cwd: dir, stdio: 'pipe' })).toThrow();
      // The other way: a token whose signature openssl made with a key of its own, checked with that key's JWK.
      execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'key.pem'], { cwd: dir });
      writeFileSync(path.join(dir, 'input'), `${h}.${p}`);
      const theirs = execFileSync('openssl', ['dgst', '-sha256', '-sign', 'key.pem', 'input'], { cwd: dir });
      const signature = p1363Signature(theirs);
      const theirKey = createPublicKey({ key: readFileSync(path.join(dir, 'key.pem')), format: 'pem' });
      expect(verify('sha256', Buffer.from(`${h}.${p}`), { key: theirKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
      expect(tokens.verify(`${h}.${p}.${signature.toString('base64url')}`, now)).toEqual({ ok: false, reason: 'signature' }); // not our key
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** r ‖ s (32 + 32 bytes) as the DER SEQUENCE of two INTEGERs that openssl reads and writes. */
function derSignature(rs: Buffer): Buffer {
  const integer = (v: Buffer): Buffer => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body = v[i]! & 0x80 ? Buffer.concat([Buffer.from([0]), v.subarray(i)]) : v.subarray(i);
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const seq = Buffer.concat([integer(rs.subarray(0, 32)), integer(rs.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, seq.length]), seq]);
}

/** The inverse: DER's two INTEGERs, each left-padded to 32 bytes. */
function p1363Signature(der: Buffer): Buffer {
  const out = Buffer.alloc(64);
  let at = 2;
  for (const half of [0, 32]) {
    const len = der[at + 1]!;
    const v = der.subarray(at + 2, at + 2 + len);
    const trimmed = v.length > 32 ? v.subarray(v.length - 32) : v;
    trimmed.copy(out, half + 32 - trimmed.length);
    at += 2 + len;
  }
  return out;
}
