// What an access token costs the generator: sign and verify with Ed25519 ("EdDSA") and ECDSA P-256 ("ES256"), the
// two algorithms the design allows, through node:crypto as src/authdb/jwt.ts calls it; docs/benchmarks.md ("Tokens").
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { Buffer } from 'node:buffer';
import console from 'node:console';
import process from 'node:process';
import { fmt, table } from './lib.mjs';

const N = 20_000;
const ROUNDS = 3;
/** A JWS signing input of the size the login signs (header and claims, base64url). */
const INPUT = Buffer.from(`${'h'.repeat(80)}.${'p'.repeat(160)}`);

const ALGORITHMS = [
  { alg: 'EdDSA', digest: null, keys: generateKeyPairSync('ed25519'), encoding: {} },
  { alg: 'ES256', digest: 'sha256', keys: generateKeyPairSync('ec', { namedCurve: 'P-256' }), encoding: { dsaEncoding: 'ieee-p1363' } },
];

/** CPU µs per call of `fn`, the best of ROUNDS rounds of N calls, after a warm-up. */
function cpuUsPerCall(fn) {
  for (let i = 0; i < 1000; i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < N; i++) fn();
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, (cpu.user + cpu.system) / N);
  }
  return best;
}

export function benchTokens() {
  return ALGORITHMS.map(({ alg, digest, keys, encoding }) => {
    const signature = sign(digest, INPUT, { key: keys.privateKey, ...encoding });
    if (!verify(digest, INPUT, { key: keys.publicKey, ...encoding }, signature)) throw new Error(`${alg}: own signature refused`);
    const row = {
      alg,
      signUs: cpuUsPerCall(() => sign(digest, INPUT, { key: keys.privateKey, ...encoding })),
      verifyUs: cpuUsPerCall(() => verify(digest, INPUT, { key: keys.publicKey, ...encoding }, signature)),
      openssl: process.versions.openssl,
    };
    console.log(`tokens ${alg}: sign ${fmt(row.signUs, 1)} µs, verify ${fmt(row.verifyUs, 1)} µs of CPU (OpenSSL ${row.openssl})`);
    return row;
  });
}

export function printTokens(rows) {
  table(
    `Access token cost per call (this thread's CPU; best of ${ROUNDS} × ${N}; OpenSSL ${rows[0]?.openssl})`,
    ['alg', 'sign µs', 'verify µs', 'verifies/s per core'],
    rows.map((r) => [r.alg, fmt(r.signUs, 1), fmt(r.verifyUs, 1), fmt(1e6 / r.verifyUs, 0)]),
  );
}
