// The shape of a containerlab file as far as failover-lab implements it. Every object is strict:
// an unknown key is an error, never silently dropped. Single values are checked in value-schemas.ts;
// cross-references (node names, subnets, duplicates) are checked while resolving.
import { z } from 'zod';
import { NODE_NAME } from './names.js';
import {
  AT_KEY,
  ipv4Schema,
  isSupportedKind,
  kindSchema,
  labNameSchema,
  linkTypeSchema,
  macSchema,
  mtuSchema,
  networkModeSchema,
  nonEmptyString,
  prefixSchema,
  unsupportedKind,
} from './value-schemas.js';

/** A record whose keys must match `pattern`; a bad key is reported at the key. */
const namedMap = <T extends z.ZodTypeAny>(value: T, pattern: RegExp, what: string) =>
  z.record(z.string(), value).superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      if (!pattern.test(key)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [key],
          params: AT_KEY,
          message: `${what} name '${key}' is not valid; it must match ${pattern.source}`,
        });
      }
    }
  });

// `a:` with nothing after it is a common way to write an empty map in containerlab files.
const orEmpty = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => v ?? {}, schema);

const nodeSettingsShape = {
  kind: kindSchema.optional(),
  image: nonEmptyString('image').optional(),
  cmd: z.string().optional(),
  exec: z.array(z.string()).optional(),
  binds: z.array(z.string()).optional(),
  // Scalars were already turned into their source text (see stringify-maps.ts).
  env: z.record(z.string(), z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  'mgmt-ipv4': ipv4Schema('mgmt-ipv4').optional(),
  'network-mode': networkModeSchema.optional(),
};
const nodeSettingsSchema = z.object(nodeSettingsShape).strict();
const kindSettingsSchema = nodeSettingsSchema.omit({ kind: true });
const nodeSchema = z.object({ ...nodeSettingsShape, group: nonEmptyString('group').optional() }).strict();

const endpointObjectSchema = z.object({ node: z.string(), interface: z.string(), mac: macSchema.optional() }).strict();

const linkSchema = z
  .object({
    type: linkTypeSchema.optional(),
    endpoints: z.array(z.union([z.string(), endpointObjectSchema])).transform((endpoints, ctx) => {
      const [first, second, ...rest] = endpoints;
      if (first !== undefined && second !== undefined && rest.length === 0) return [first, second] as const;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `a link has exactly 2 endpoints; this one has ${endpoints.length}` });
      return z.NEVER;
    }),
    mtu: mtuSchema.optional(),
  })
  .strict();

const mgmtSchema = z
  .object({
    network: nonEmptyString('mgmt network').optional(),
    'ipv4-subnet': z.string().optional(),
    'ipv4-gw': ipv4Schema('ipv4-gw').optional(),
    bridge: z.string().optional(),
  })
  .strict();

export const topologyFileSchema = z
  .object({
    name: labNameSchema,
    prefix: prefixSchema.optional(),
    mgmt: orEmpty(mgmtSchema),
    topology: z
      .object({
        defaults: orEmpty(nodeSettingsSchema),
        kinds: orEmpty(
          z.record(z.string(), orEmpty(kindSettingsSchema)).superRefine((kinds, ctx) => {
            for (const kind of Object.keys(kinds).filter((k) => !isSupportedKind(k))) {
              ctx.addIssue({ code: z.ZodIssueCode.custom, path: [kind], params: AT_KEY, message: unsupportedKind(kind) });
            }
          }),
        ),
        groups: orEmpty(z.record(z.string(), orEmpty(nodeSettingsSchema))),
        nodes: namedMap(orEmpty(nodeSchema), NODE_NAME, 'node'),
        links: z.array(linkSchema).nullish(),
      })
      .strict(),
  })
  .strict();

export type TopologyFile = z.output<typeof topologyFileSchema>;
export type NodeSettingsFile = z.output<typeof nodeSettingsSchema>;
export type NodeFile = z.output<typeof nodeSchema>;
export type LinkFile = z.output<typeof linkSchema>;
export type EndpointFile = LinkFile['endpoints'][number];

export const TOP_LEVEL_KEYS = Object.keys(topologyFileSchema.shape);
export const MGMT_KEYS = Object.keys(mgmtSchema.shape);
export const TOPOLOGY_KEYS = ['defaults', 'kinds', 'groups', 'nodes', 'links'];
export const NODE_SETTING_KEYS = Object.keys(nodeSettingsShape);
export const NODE_KEYS = Object.keys(nodeSchema.shape);
export const LINK_KEYS = Object.keys(linkSchema.shape);
export const ENDPOINT_KEYS = Object.keys(endpointObjectSchema.shape);
