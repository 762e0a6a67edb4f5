import { strict as assert } from 'node:assert';
import { fastPathMatchesSchema, vipRowsBody } from '../../../../src/daemons/nat-lb/row-validation.js';
import { balancerRequests } from '../../../../src/daemons/nat-lb/protocol.js';

const zodImport = balancerRequests['/rows/import'];
const dnat = {
  clientIp: '198.18.20.1',
  clientPort: 34962,
  vip: '198.18.20.101',
  vipPort: 7000,
  serverIp: '198.18.21.11',
  serverPort: 7000,
  protocol: 'tcp',
  state: 'ESTABLISHED',
  delta: 0,
  timestampMs: 88_000,
};
const fullNat = { ...dnat, clientPort: 1029, insideIp: '198.18.21.101', insidePort: 2011, seq: 320, delta: 2 };
const udp = {
  clientIp: '198.18.20.2',
  clientPort: 4000,
  vip: '198.18.20.101',
  vipPort: 53,
  serverIp: '198.18.21.11',
  serverPort: 53,
  protocol: 'udp',
};
const body = () =>
  JSON.parse(JSON.stringify({ vip: '198.18.20.101', rows: [dnat, fullNat, udp] })) as {
    vip: unknown;
    rows: Record<string, unknown>[];
  } & Record<string, unknown>;

/** Bodies that differ from a valid one in one place (JSON, as the control server parses it). */
const mutations: [string, (b: ReturnType<typeof body>) => unknown][] = [
  ['valid as is', (b) => b],
  ['no rows', (b) => ({ ...b, rows: [] })],
  ['body extra key', (b) => ({ ...b, extra: 1 })],
  ['body without vip', (b) => ({ rows: b.rows })],
  ['body vip not an address', (b) => ({ ...b, vip: '198.18.20' })],
  ['rows not an array', (b) => ({ ...b, rows: { 0: dnat } })],
  ['body is an array', (b) => [b]],
  ['body is null', () => null],
  ['row is null', (b) => ({ ...b, rows: [dnat, null] })],
  ['row is an array', (b) => ({ ...b, rows: [[dnat]] })],
  ['row __proto__ key', (b) => ({ ...b, rows: [JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(dnat).slice(1)}`)] })],
  ['row extra key', (b) => ({ ...b, rows: [{ ...dnat, extra: 'x' }] })],
  ['row constructor key', (b) => ({ ...b, rows: [{ ...dnat, constructor: 1 }] })],
  ...(['clientIp', 'clientPort', 'vip', 'vipPort', 'serverIp', 'serverPort', 'protocol'] as const).map(
    (k): [string, (b: ReturnType<typeof body>) => unknown] => [
      `row without ${k}`,
      (b) => {
        delete b.rows[1]![k];
        return b;
      },
    ],
  ),
  ...(
    [
      ['clientIp', ['1.2.3', 'a.b.c.d', 7, null, '1.2.3.4 ']],
      ['vip', ['', '1.2.3.4.5']],
      ['insideIp', [null, '::1']],
      ['serverIp', [false]],
      ['clientPort', [0, 65536, 1.5, '80', null, -1]],
      ['insidePort', [0, 'x']],
      ['vipPort', [65535.1]],
      ['serverPort', [1e10]],
      ['protocol', ['icmp', 'TCP', null]],
      ['state', [5, null, {}]],
      ['seq', [-1, 0.5, '1']],
      ['delta', [1.5, 'x', null]],
      ['timestampMs', [-1, 1.5, '0']],
    ] as [string, unknown[]][]
  ).flatMap(([k, values]) =>
    values.map((v): [string, (b: ReturnType<typeof body>) => unknown] => [
      `row ${k} = ${JSON.stringify(v)}`,
      (b) => {
        b.rows[2]![k] = v;
        return b;
      },
    ]),
  ),
  [
    'valid edge values',
    (b) => {
      Object.assign(b.rows[2]!, { clientPort: 1, vipPort: 65535, seq: 0, delta: -5, timestampMs: 0, state: '' });
      return b;
    },
  ],
  [
    'row without delta',
    (b) => {
      delete b.rows[0]!.delta;
      return b;
    },
  ],
];

describe('nat-balancer row validation (fast path of /rows/import)', () => {
  it("covers exactly the fields of the protocol's row schema (else every body goes through zod)", () => {
    assert.equal(fastPathMatchesSchema(), true, 'accessRowSchema changed: update FIELDS in row-validation.ts');
  });
  for (const [name, mutate] of mutations) {
    it(`answers like zod: ${name}`, () => {
      const input = mutate(body());
      const expected = zodImport.safeParse(structuredClone(input));
      const got = vipRowsBody.safeParse(structuredClone(input));
      assert.equal(got.success, expected.success, JSON.stringify(got.success ? 'accepted' : got.error.issues[0]));
      if (expected.success && got.success) assert.deepEqual(got.data, expected.data);
      if (!expected.success && !got.success) {
        const [e, g] = [expected.error.issues[0]!, got.error.issues[0]!];
        assert.deepEqual([g.path, g.message], [e.path, e.message]);
      }
    });
  }
  it("accepts 10,000 rows in a fraction of zod's time", () => {
    const big = { vip: '198.18.20.101', rows: Array.from({ length: 10_000 }, (_, i) => ({ ...dnat, clientPort: 1024 + i })) };
    const t0 = performance.now();
    assert.equal(vipRowsBody.safeParse(structuredClone(big)).success, true);
    const fast = performance.now() - t0;
    const t1 = performance.now();
    zodImport.parse(structuredClone(big));
    const slow = performance.now() - t1;
    assert.ok(fast < slow, `fast ${fast.toFixed(1)} ms, zod ${slow.toFixed(1)} ms`);
  });
});
