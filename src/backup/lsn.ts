// PostgreSQL WAL positions (`16/B374D848`) as numbers, and the WAL segment file a position falls in.

/** `X/Y` → bytes since the start of WAL. Below 2^53, which WAL reaches after 8 PB. */
export function lsnToBytes(lsn: string): number {
  const match = /^([0-9A-Fa-f]+)\/([0-9A-Fa-f]+)$/.exec(lsn.trim());
  if (!match) throw new RangeError(`not a WAL position: ${JSON.stringify(lsn)}`);
  return parseInt(match[1]!, 16) * 2 ** 32 + parseInt(match[2]!, 16);
}

const SEGMENT_BYTES = 16 * 1024 * 1024;

/** The name of the 16 MB WAL segment file holding `lsn` on `timeline` (e.g. 000000010000000000000003). */
export function walSegmentOf(lsn: string, timeline: number): string {
  const segment = Math.floor(lsnToBytes(lsn) / SEGMENT_BYTES);
  const perId = 2 ** 32 / SEGMENT_BYTES;
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(timeline)}${hex(Math.floor(segment / perId))}${hex(segment % perId)}`;
}
