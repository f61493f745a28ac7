// Which IP addresses belong to the server's own network rather than the internet: loopback,
// private, link-local, shared (CGNAT), unspecified, multicast and reserved ranges, IPv4 and IPv6,
// including IPv6 forms that carry an IPv4 address. Pure: it never resolves a name.
import { isIP } from 'node:net';

/** Why an address is not on the public internet, as a phrase for messages; undefined for a public address. */
export function privateAddressKind(address: string): string | undefined {
  const bytes = addressBytes(address);
  if (!bytes) return 'not an IP address';
  return bytes.length === 4 ? ipv4Kind(bytes) : ipv6Kind(bytes);
}

/** One spelling per address (IPv4-mapped IPv6 as IPv4), to compare addresses written differently. */
export function canonicalAddress(address: string): string | undefined {
  const bytes = addressBytes(address);
  if (!bytes) return undefined;
  const v4 = bytes.length === 16 && isMappedIpv4(bytes) ? bytes.subarray(12) : bytes;
  return v4.length === 4 ? v4.join('.') : Buffer.from(v4).toString('hex');
}

/** [first octets, prefix length, kind] */
const ipv4Ranges: readonly (readonly [readonly number[], number, string])[] = [
  [[0], 8, 'an unspecified address'],
  [[10], 8, 'a private address'],
  [[100, 64], 10, 'a shared (carrier-grade NAT) address'],
  [[127], 8, 'a loopback address'],
  [[169, 254], 16, 'a link-local address'],
  [[172, 16], 12, 'a private address'],
  [[192, 0, 0], 24, 'a reserved address'],
  [[192, 0, 2], 24, 'a reserved address'],
  [[192, 88, 99], 24, 'a reserved address'],
  [[192, 168], 16, 'a private address'],
  [[198, 18], 15, 'a reserved address'],
  [[198, 51, 100], 24, 'a reserved address'],
  [[203, 0, 113], 24, 'a reserved address'],
  [[224], 4, 'a multicast address'],
  [[240], 4, 'a reserved address'],
];

const ipv6Ranges: readonly (readonly [readonly number[], number, string])[] = [
  [[0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48, 'a private address'],
  [[0x01, 0x00], 64, 'a reserved address'],
  // Teredo hides its IPv4 addresses; nothing legitimate serves images from one.
  [[0x20, 0x01, 0x00, 0x00], 32, 'a reserved address'],
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'a reserved address'],
  [[0xfc], 7, 'a private address'],
  [[0xfe, 0x80], 10, 'a link-local address'],
  [[0xfe, 0xc0], 10, 'a private address'],
  [[0xff], 8, 'a multicast address'],
];

function ipv4Kind(bytes: Uint8Array): string | undefined {
  return ipv4Ranges.find(([prefix, length]) => inPrefix(bytes, prefix, length))?.[2];
}

function ipv6Kind(bytes: Uint8Array): string | undefined {
  // Forms that carry an IPv4 address are judged by it: a mapped 127.0.0.1 is still loopback.
  if (isMappedIpv4(bytes)) return ipv4Kind(bytes.subarray(12));
  if (inPrefix(bytes, [0x00, 0x64, 0xff, 0x9b], 96)) return ipv4Kind(bytes.subarray(12)); // NAT64
  if (inPrefix(bytes, [0x20, 0x02], 16)) return ipv4Kind(bytes.subarray(2, 6)); // 6to4
  if (bytes.subarray(0, 12).every((b) => b === 0)) {
    // :: and ::1, and the deprecated IPv4-compatible ::a.b.c.d, which nothing routes.
    if (bytes.subarray(12, 15).every((b) => b === 0) && bytes[15] <= 1) return bytes[15] === 0 ? 'an unspecified address' : 'a loopback address';
    return 'a reserved address';
  }
  return ipv6Ranges.find(([prefix, length]) => inPrefix(bytes, prefix, length))?.[2];
}

function isMappedIpv4(bytes: Uint8Array): boolean {
  return bytes.length === 16 && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

function inPrefix(bytes: Uint8Array, prefix: readonly number[], length: number): boolean {
  for (let bit = 0; bit < length; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((bytes[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

/** 4 or 16 bytes; IPv6 may carry a zone (`fe80::1%eth0`) or brackets. */
function addressBytes(text: string): Uint8Array | undefined {
  const address = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) return Uint8Array.from(address.split('.').map(Number));
  if (family !== 6) return undefined;
  // A dotted IPv4 tail (::ffff:10.0.0.1) is two more hex words.
  const hex = address.replace(
    /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
    (_all, a: string, b: string, c: string, d: string) => `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const words = (part: string) =>
    part
      .split(':')
      .filter(Boolean)
      .map((w) => parseInt(w, 16));
  const [left, right] = hex.split('::');
  const before = words(left);
  const after = right === undefined ? [] : words(right);
  const all = [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    bytes[i * 2] = word >> 8;
    bytes[i * 2 + 1] = word & 0xff;
  });
  return bytes;
}
