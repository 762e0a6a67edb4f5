// Just enough IPv4 arithmetic to check management addresses before Docker does (Docker's errors
// name neither the file nor the node).

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** The address as an unsigned 32-bit number, or undefined unless it is canonical dotted-quad. */
export const parseIpv4 = (text: string): number | undefined => {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
};

export const formatIpv4 = (value: number): string => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');

export interface Ipv4Subnet {
  network: number;
  broadcast: number;
  prefixLength: number;
}

export const MIN_PREFIX = 8;
export const MAX_PREFIX = 30;

/** Parses `a.b.c.d/n`; returns a sentence saying what is wrong when it is not a usable subnet. */
export const parseSubnet = (text: string): Ipv4Subnet | string => {
  const [address, length, ...rest] = text.split('/');
  const network = parseIpv4(address ?? '');
  if (network === undefined || length === undefined || rest.length > 0 || !/^[0-9]{1,2}$/.test(length)) {
    return `'${text}' is not an IPv4 subnet in CIDR form such as 198.19.0.0/24`;
  }
  const prefixLength = Number(length);
  if (prefixLength < MIN_PREFIX || prefixLength > MAX_PREFIX) {
    return `subnet '${text}' has prefix length /${prefixLength}; it must be /${MIN_PREFIX} to /${MAX_PREFIX}`;
  }
  const size = 2 ** (32 - prefixLength);
  if (network % size !== 0) {
    return `subnet '${text}' has host bits set; did you mean ${formatIpv4(network - (network % size))}/${prefixLength}?`;
  }
  return { network, broadcast: network + size - 1, prefixLength };
};

/** Why `address` cannot be a host address of `subnet`, or undefined when it can. */
export const hostAddressProblem = (address: number, subnet: Ipv4Subnet, subnetText: string): string | undefined => {
  if (address < subnet.network || address > subnet.broadcast) return `is outside the mgmt subnet ${subnetText}`;
  if (address === subnet.network) return `is the network address of the mgmt subnet ${subnetText}`;
  if (address === subnet.broadcast) return `is the broadcast address of the mgmt subnet ${subnetText}`;
  return undefined;
};
