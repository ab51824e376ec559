// CRC-32C (Castagnoli), the checksum PostgreSQL's backup manifests use by default: a table-driven reflected CRC, fed
// in pieces so large files are checksummed while they stream.

const POLYNOMIAL = 0x82f63b78;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** A running CRC-32C: `update` with each piece, `digest` for the 8 hex digits a manifest holds. */
export class Crc32c {
  private crc = 0xffffffff;

  update(bytes: Uint8Array): this {
    let crc = this.crc;
    for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
    this.crc = crc >>> 0;
    return this;
  }

  /** Hex of the final value's bytes in little-endian order, as backup_manifest writes them (PostgreSQL prints the uint32's memory). */
  digest(): string {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE((this.crc ^ 0xffffffff) >>> 0);
    return bytes.toString('hex');
  }
}
