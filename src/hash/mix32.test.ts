// Pins the finalizer's output: every seeded dataset and every run's random draws are built on it.
import { describe, expect, it } from 'vitest';
import { mix32 } from './mix32.js';

describe('mix32', () => {
  // Vectors from the reference lowbias32 in C (uint32_t arithmetic), recomputed independently.
  it.each([
    [0, 0x00000000],
    [1, 0x688990c0],
    [2, 0xd1132181],
    [0x9e3779b9, 0x01fce552],
    [0xffffffff, 0x6768824a],
    [123456789, 0xa8f1db88],
  ])('mix32(%i) = %i', (input, expected) => {
    expect(mix32(input)).toBe(expected);
  });

  it('treats a negative int32 as its unsigned bit pattern and always returns a uint32', () => {
    expect(mix32(-1)).toBe(mix32(0xffffffff));
    for (const x of [-2147483648, -7, 3, 2 ** 31]) {
      const y = mix32(x);
      expect(Number.isInteger(y) && y >= 0 && y < 2 ** 32).toBe(true);
    }
  });
});
