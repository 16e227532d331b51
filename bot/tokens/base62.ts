const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Big-endian base62 of `bytes`, left-padded with `0` to `width` characters. */
export function toBase62(bytes: Uint8Array, width: number): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let text = '';
  while (value > 0n) {
    text = ALPHABET[Number(value % 62n)] + text;
    value /= 62n;
  }
  if (text.length > width) throw new RangeError(`${bytes.length} bytes do not fit in ${width} base62 characters`);
  return text.padStart(width, '0');
}

/** Base62 of an unsigned 32-bit integer, padded to `width`. */
export function uint32ToBase62(value: number, width: number): string {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0);
  return toBase62(bytes, width);
}
