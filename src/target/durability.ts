// Whether the server a run measured keeps a committed transaction through a crash, judged from the settings it
// reported (SHOW, read back after start): every report marks a run whose server does not as non-durable.

/** Setting → the values that mean "a commit may be lost (or corruption hidden) after a crash". */
const NON_DURABLE_VALUES: Readonly<Record<string, readonly string[]>> = {
  fsync: ['off'],
  synchronous_commit: ['off'],
  full_page_writes: ['off'],
  wal_level: ['minimal'],
  data_sync_retry: ['on'],
  zero_damaged_pages: ['on'],
  ignore_checksum_failure: ['on'],
};

/** Names of the settings recorded so durability can be judged (added to what provisioning reads back). */
export const DURABILITY_SETTINGS: readonly string[] = Object.keys(NON_DURABLE_VALUES);

/** `name=value` of every reported setting that weakens durability, in a stable order; empty when the server is durable. */
export function durabilityWeakenedBy(settings: Readonly<Record<string, string>>): string[] {
  return DURABILITY_SETTINGS.filter((name) => NON_DURABLE_VALUES[name]?.includes((settings[name] ?? '').toLowerCase())).map((name) => `${name}=${settings[name]}`);
}
