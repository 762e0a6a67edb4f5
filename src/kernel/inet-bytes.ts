// Pure: IPv4 and MAC addresses as the bytes that go on the wire, with clear errors.

export const ipv4Bytes = (ip: string): Buffer => {
  const bytes = Buffer.alloc(4);
  writeIpv4(bytes, 0, ip);
  return bytes;
};

/** The dotted quad of the 4 bytes at `at`. */
export const ipv4At = (b: Buffer, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/**
 * Writes dotted-quad `ip` as 4 bytes at `at`, without intermediate arrays: a batch of 10,000
 * conntrack entries writes some 50,000 addresses.
 */
export const writeIpv4 = (buffer: Buffer, at: number, ip: string): void => {
  let octet = 0;
  let digits = 0;
  let n = 0;
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57 && digits < 3) {
      octet = octet * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && octet <= 255 && n < 4) {
      buffer[at + n++] = octet;
      octet = 0;
      digits = 0;
    } else {
      throw new Error(`not an IPv4 address: ${ip}`);
    }
  }
  if (n !== 4) throw new Error(`not an IPv4 address: ${ip}`);
};

export const macBytes = (mac: string): Buffer => {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new Error(`not a MAC address: ${mac}`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
};
