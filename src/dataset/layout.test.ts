// Unit tests of the dataset layout: role skew, session counts and states, jti format and range, all pure.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAgent, rolesOfUser, sessionCountOfUser, sessionJtiRange, sessionOfUser, uuidv7At, type RoleCatalog } from './layout.js';
import { resolveDatasetSpec } from './spec.js';
import { InvalidInputError } from '../errors.js';

const catalog: RoleCatalog = {
  system: ['superadmin', 'admin', 'auditor', 'support', 'user'].map((name, k) => ({ id: k + 1, name })),
  agent: Array.from({ length: 32 }, (_, k) => 101 + k),
};
const spec = resolveDatasetSpec({ users: 50_000, seed: 3 });

describe('layout', () => {
  it('gives 70/25/4/1% of ordinary users 1/2/3/4 roles, always including `user`', () => {
    const byCount = [0, 0, 0, 0, 0];
    let ordinary = 0;
    for (let i = 0; i < 50_000; i++) {
      if (isAgent(spec, i)) continue;
      ordinary++;
      const roles = rolesOfUser(spec, catalog, i);
      expect(roles).toContain(5);
      byCount[roles.length]! += 1;
    }
    expect(byCount[1]! / ordinary).toBeCloseTo(0.7, 1);
    expect(byCount[2]! / ordinary).toBeCloseTo(0.25, 1);
    expect((byCount[3]! + byCount[4]!) / ordinary).toBeCloseTo(0.05, 1);
  });

  it('makes about 2% of users agents holding 8–24 distinct agent roles', () => {
    let agents = 0;
    for (let i = 0; i < 50_000; i++) {
      if (!isAgent(spec, i)) continue;
      agents++;
      const roles = rolesOfUser(spec, catalog, i);
      const agentRoles = roles.filter((r) => r > 100);
      expect(agentRoles.length).toBeGreaterThanOrEqual(8);
      expect(agentRoles.length).toBeLessThanOrEqual(24);
      expect(new Set(roles).size).toBe(roles.length);
    }
    expect(agents / 50_000).toBeCloseTo(0.02, 2);
  });

  it('keeps the mean session count and the revoked/expired shares', () => {
    const s = resolveDatasetSpec({ users: 20_000, seed: 3, sessionsPerUser: 1.5 });
    let sessions = 0;
    const states = { active: 0, revoked: 0, expired: 0 };
    for (let i = 0; i < 20_000; i++) {
      const n = sessionCountOfUser(s, i);
      sessions += n;
      for (let k = 0; k < n; k++) states[sessionOfUser(s, i, k).state]++;
    }
    expect(sessions / 20_000).toBeCloseTo(1.5, 1);
    expect(states.revoked / sessions).toBeCloseTo(0.2, 1);
    expect(states.expired / sessions).toBeCloseTo(0.1, 1);
  });

  it('makes UUIDv7 jtis inside the seeded range, with version and variant bits set', () => {
    const { lo, hi } = sessionJtiRange();
    fc.assert(
      fc.property(fc.nat(49_999), fc.nat(3), (i, k) => {
        const x = sessionOfUser(spec, i, k);
        expect(x.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(x.jti >= lo && x.jti <= hi).toBe(true);
        expect(parseInt(x.jti.replace(/-/g, '').slice(0, 12), 16)).toBe(x.issuedAtMs);
        expect(x.refreshToken).toBe(`${x.jti}.${x.refreshSecret}`);
      }),
    );
    expect(uuidv7At(0, 1, 1, 1, 1)).toMatch(/^00000000-0000-7/);
  });
});

describe('resolveDatasetSpec', () => {
  it('reports every invalid field at once, with its path', () => {
    try {
      resolveDatasetSpec({ users: 0, seed: -1, revokedShare: 2, hashParams: { memoryKiB: 4 } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).issues.map((i) => i.path)).toEqual([
        'dataset.users',
        'dataset.seed',
        'dataset.revokedShare',
        'dataset.hashParams.memoryKiB',
      ]);
    }
  });
});
