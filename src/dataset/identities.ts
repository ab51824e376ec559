// Who user i is: id, username, email, known password and wrong passwords, as pure functions of (seed, i).
// The load generator logs in as any user with these, without reading the database; the seeder stores the same values.
import { Stream, below, hash32 } from './prng.js';

/** Default number of distinct known passwords (each hashed once at full Argon2id cost). */
export const DEFAULT_PASSWORD_COUNT = 32;

const FIRST_NAMES = [
  'olivia', 'liam', 'emma', 'noah', 'amelia', 'oliver', 'ava', 'elijah', 'sophia', 'lucas', 'mia', 'levi', 'isabella',
  'mateo', 'harper', 'james', 'evelyn', 'ethan', 'luna', 'henry', 'ella', 'leo', 'aria', 'jack', 'chloe', 'sebastian',
  'nora', 'daniel', 'lily', 'samuel', 'zoe', 'david', 'grace', 'omar', 'fatima', 'yuki', 'hiro', 'priya', 'arjun',
  'mei', 'wei', 'ana', 'jose', 'lucia', 'pablo', 'ines', 'lars', 'ingrid', 'sven', 'anja', 'marek', 'zofia', 'ivan',
  'olga', 'kofi', 'amara', 'tariq', 'leila', 'kenji', 'sakura', 'tomas', 'elena', 'mohammed', 'aisha',
] as const;

const LAST_NAMES = [
  'smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez',
  'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee', 'perez', 'thompson',
  'white', 'harris', 'sanchez', 'clark', 'ramirez', 'lewis', 'robinson', 'walker', 'young', 'allen', 'king', 'wright',
  'scott', 'torres', 'nguyen', 'hill', 'flores', 'green', 'adams', 'nelson', 'baker', 'hall', 'rivera', 'campbell',
  'mitchell', 'carter', 'roberts', 'mueller', 'schmidt', 'schneider', 'fischer', 'weber', 'kowalski', 'nowak', 'novak',
  'tanaka', 'suzuki', 'sato', 'kim', 'park', 'chen',
] as const;

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%*+-_';

/**
 * Username of user `userIndex` (0-based), e.g. `olivia.martin123`. Unique: the name part has no digits and the
 * suffix is the index, so two indexes never give the same string. Lowercase ASCII, at most 30 characters.
 */
export function usernameForUser(seed: number, userIndex: number): string {
  const [first, last] = namesOf(seed, userIndex);
  return `${first}.${last}${userIndex}`;
}

/** Display name of user `userIndex`, e.g. `Olivia Martin`. */
export function displayNameForUser(seed: number, userIndex: number): string {
  const [first, last] = namesOf(seed, userIndex);
  return `${first[0]!.toUpperCase()}${first.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)}`;
}

function namesOf(seed: number, userIndex: number): [string, string] {
  return [
    FIRST_NAMES[below(FIRST_NAMES.length, seed, Stream.firstName, userIndex)]!,
    LAST_NAMES[below(LAST_NAMES.length, seed, Stream.lastName, userIndex)]!,
  ];
}

/** Email of user `userIndex`: the username at the reserved `example.test` domain (RFC 2606), so never deliverable. */
export function emailForUser(seed: number, userIndex: number): string {
  return `${usernameForUser(seed, userIndex)}@example.test`;
}

/** The k-th known test password of the dataset (0 ≤ k < passwordCount): 16 characters, mixed classes. */
export function testPassword(seed: number, k: number): string {
  let out = '';
  for (let c = 0; c < 16; c++) out += PASSWORD_ALPHABET[below(PASSWORD_ALPHABET.length, seed, Stream.password, k, c)];
  return out;
}

/** Which known password user `userIndex` has: `userIndex mod passwordCount`. */
export function passwordIndexForUser(userIndex: number, passwordCount = DEFAULT_PASSWORD_COUNT): number {
  return userIndex % passwordCount;
}

/** The password that verifies for user `userIndex`. */
export function passwordForUser(seed: number, userIndex: number, passwordCount = DEFAULT_PASSWORD_COUNT): string {
  return testPassword(seed, passwordIndexForUser(userIndex, passwordCount));
}

/**
 * A wrong password for user `userIndex`, like a typo: the right one with its last character replaced.
 * Never equal to the right password; `attempt` varies which character is used.
 */
export function wrongPasswordForUser(seed: number, userIndex: number, attempt = 0, passwordCount = DEFAULT_PASSWORD_COUNT): string {
  const right = passwordForUser(seed, userIndex, passwordCount);
  const last = right[right.length - 1] ?? '';
  const others = PASSWORD_ALPHABET.replace(last, '');
  return right.slice(0, -1) + others[below(others.length, seed, Stream.wrongPassword, userIndex, attempt)];
}

/** Database id (auth.users.id) of user index `userIndex`: ids are 1-based and dense. */
export function userIdForIndex(userIndex: number): number {
  return userIndex + 1;
}

/** Deterministic 16-byte salt of the k-th known password. */
export function saltForPassword(seed: number, k: number): Buffer {
  const buf = Buffer.alloc(16);
  for (let w = 0; w < 4; w++) buf.writeUInt32BE(hash32(seed, Stream.salt, k, w), w * 4);
  return buf;
}
