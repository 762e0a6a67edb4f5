// Schemas for single values. Each check returns the value or a full sentence saying what is wrong
// with it and what would be right, which becomes the error message as is.
import { z } from 'zod';
import { SUPPORTED_KINDS, type NodeKindName } from './types.js';
import { parseIpv4 } from './ipv4.js';
import { LAB_NAME, NODE_NAME } from './names.js';
import { SUPPORTED_LINK_TYPES, UNSUPPORTED_LINK_TYPES } from './containerlab-keys.js';

/** A custom issue with this param points at the map key rather than its value. */
export const AT_KEY = { at: 'key' } as const;

class Problem {
  constructor(readonly message: string) {}
}
const problem = (message: string): Problem => new Problem(message);

/** A schema for one value whose check returns the value, or the problem as a full sentence. */
const checked = <T>(check: (value: unknown) => T | Problem) =>
  z.unknown().transform((value, ctx): T => {
    if (value === undefined) {
      // Reported as a missing key; `.optional()` stops undefined before it gets here.
      ctx.addIssue({ code: z.ZodIssueCode.invalid_type, expected: z.ZodParsedType.unknown, received: z.ZodParsedType.undefined });
      return z.NEVER;
    }
    const result = check(value);
    if (!(result instanceof Problem)) return result;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: result.message });
    return z.NEVER;
  });

const shown = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value)));

export const isSupportedKind = (kind: string): kind is NodeKindName => (SUPPORTED_KINDS as readonly string[]).includes(kind);
export const unsupportedKind = (kind: unknown): string =>
  `kind ${shown(kind)} is not supported; supported kinds: ${SUPPORTED_KINDS.join(', ')}`;

export const kindSchema = checked((v) => (typeof v === 'string' && isSupportedKind(v) ? v : problem(unsupportedKind(v))));

export const nonEmptyString = (what: string) =>
  checked((v) => (typeof v === 'string' && v !== '' ? v : problem(`${what} must be a non-empty string, not ${shown(v)}`)));

export const ipv4Schema = (what: string) =>
  checked((v) =>
    typeof v === 'string' && parseIpv4(v) !== undefined ? v : problem(`${what} ${shown(v)} is not an IPv4 address such as 198.19.0.10`),
  );

const NETWORK_MODE = /^(bridge|none|host|container:[A-Za-z0-9][A-Za-z0-9_.-]*)$/;
export const networkModeSchema = checked((v) =>
  typeof v === 'string' && NETWORK_MODE.test(v)
    ? v
    : problem(`network-mode ${shown(v)} is not valid; use bridge, none, host or container:<node>`),
);

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
export const macSchema = checked((v) => {
  const mac = typeof v === 'string' ? v.toLowerCase() : '';
  if (!MAC.test(mac))
    return problem(`mac ${shown(v)} is not a MAC address; write six hex octets separated by ':', such as aa:c1:ab:00:00:01`);
  if (mac === '00:00:00:00:00:00') return problem(`mac '${mac}' is all zeros; use a unicast address such as aa:c1:ab:00:00:01`);
  if (parseInt(mac.slice(0, 2), 16) % 2 === 1) {
    return problem(`mac '${mac}' is a multicast address (its first octet is odd); use a unicast address such as aa:c1:ab:00:00:01`);
  }
  return mac;
});

export const MIN_MTU = 68;
export const MAX_MTU = 65535;
export const mtuSchema = checked((v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= MIN_MTU && v <= MAX_MTU
    ? v
    : problem(`mtu ${shown(v)} is not valid; it must be an integer from ${MIN_MTU} to ${MAX_MTU}`),
);

export const linkTypeSchema = checked((v) => {
  if (v === 'veth') return v;
  const supported = `supported: ${SUPPORTED_LINK_TYPES.join(', ')}`;
  return (UNSUPPORTED_LINK_TYPES as readonly unknown[]).includes(v)
    ? problem(`link type ${shown(v)} is not supported by failover-lab (${supported})`)
    : problem(`unknown link type ${shown(v)}; ${supported}`);
});

// go-yaml reads `name: 2024` as the string "2024"; YAML gives a number, so say how to write it.
const notAString = (what: string, v: unknown): Problem => {
  if (v === null) return problem(`${what} is empty; it must be a string`);
  if (typeof v === 'number' || typeof v === 'boolean')
    return problem(`${what} must be a string, not a ${typeof v}; quote it: ${what}: "${String(v)}"`);
  return problem(`${what} must be a string, not ${shown(v)}`);
};

export const labNameSchema = checked((v) => {
  if (typeof v !== 'string') return notAString('name', v);
  return LAB_NAME.test(v) ? v : problem(`name ${shown(v)} is not valid; it must match ${LAB_NAME.source}`);
});

const PREFIX = /^([A-Za-z0-9][A-Za-z0-9_.-]*|__lab-name)?$/;
export const prefixSchema = checked((v) => {
  if (typeof v !== 'string') return notAString('prefix', v);
  return PREFIX.test(v)
    ? v
    : problem(`prefix ${shown(v)} is not valid; use '' (bare node names), '__lab-name' or a name matching ${NODE_NAME.source}`);
});
