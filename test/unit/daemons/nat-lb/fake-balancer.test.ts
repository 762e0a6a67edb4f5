// The controller's tests are only as strict as their fake balancer: it must refuse what the real
// balancer refuses. The real balancer answers each step with its ModeTable's verdict (a refusal
// is a ConflictError, 409); the fake, over HTTP, must give the same verdict and leave the same
// mode behind for every step from every state a VIP can be in.
import { strict as assert } from 'node:assert';
import { ModeTable, type ModeEntry } from '../../../../src/daemons/nat-lb/balancer/mode-table.js';
import { balancerReplies, type AccessRow, type BalancerPath } from '../../../../src/daemons/nat-lb/protocol.js';
import { FakeBalancer, TOKEN, type Call } from './fake-balancer.js';

type ModeStep = 'begin' | 'take' | 'release' | 'finish' | 'forget' | 'abort';
const MODE_STEPS: Record<ModeStep, BalancerPath> = {
  begin: '/migration/begin',
  take: '/address/take',
  release: '/address/release',
  finish: '/migration/finish',
  forget: '/vip/forget',
  abort: '/migration/abort',
};
/** Steps that touch rows only: the real balancer checks no mode for them. */
const ROW_STEPS: BalancerPath[] = ['/rows/export', '/rows/import', '/rows/delete'];

/** Every state a VIP can be in on one balancer, and the real steps that lead there. */
const STATES: { name: string; owned: boolean; steps: ModeStep[] }[] = [
  { name: 'unknown', owned: false, steps: [] },
  { name: 'migration, address down', owned: false, steps: ['begin'] },
  { name: 'migration, address up', owned: false, steps: ['begin', 'take'] },
  { name: 'normal, address up', owned: true, steps: [] },
  { name: 'normal, address down', owned: true, steps: ['release'] },
];

const row = (vip: string): AccessRow => ({
  clientIp: '198.18.0.5',
  clientPort: 1000,
  vip,
  vipPort: 80,
  serverIp: '198.18.1.10',
  serverPort: 80,
  protocol: 'tcp',
  delta: 0,
});

async function post(fake: FakeBalancer, path: BalancerPath, vip: string): Promise<{ code: number; body: unknown }> {
  const body = path === '/rows/import' ? { vip, rows: [row(vip)] } : { vip };
  const res = await fetch(`http://${fake.endpoint.api}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { code: res.status, body: await res.json() };
}

const stateOf = (e: ModeEntry | undefined) => (e ? `${e.mode}, address ${e.addressUp ? 'up' : 'down'}` : 'unknown');

describe('fake balancer agrees with the real mode table', function () {
  this.timeout(30_000);
  let fake: FakeBalancer;
  let n = 0;
  /** One VIP per case, so the cases share one server and cannot disturb each other. */
  const nextVip = () => `198.18.9.${++n}`;
  before(async () => {
    fake = await new FakeBalancer('F', [] as Call[]).start();
  });
  after(() => fake.kill());

  /** The VIP in `state` on both the fake (over HTTP) and a real ModeTable. */
  async function prepare(state: (typeof STATES)[number]): Promise<{ vip: string; table: ModeTable }> {
    const vip = nextVip();
    const table = new ModeTable(state.owned ? [vip] : []);
    if (state.owned) fake.hold(vip);
    for (const s of state.steps) {
      assert.ok(table[s](vip).ok, `setup ${s} on the real table`);
      assert.equal((await post(fake, MODE_STEPS[s], vip)).code, 200, `setup ${s} on the fake`);
    }
    assert.equal(stateOf(fake.mode(vip) && { mode: fake.mode(vip)!, addressUp: fake.hasAddress(vip) }), stateOf(table.get(vip)));
    return { vip, table };
  }

  const fakeEntry = (vip: string): ModeEntry | undefined => {
    const mode = fake.mode(vip);
    return mode === undefined ? undefined : { mode, addressUp: fake.hasAddress(vip) };
  };

  it("every mode step from every state: same verdict (200 / 409), same state after, replies in the protocol's shape", async () => {
    const disagreements: string[] = [];
    let refusedCount = 0;
    for (const state of STATES) {
      for (const [step, path] of Object.entries(MODE_STEPS) as [ModeStep, BalancerPath][]) {
        const { vip, table } = await prepare(state);
        const real = table[step](vip);
        const got = await post(fake, path, vip);
        if (!real.ok) refusedCount++;
        const want = real.ok ? 200 : 409;
        if (got.code !== want) disagreements.push(`${step} on ${state.name}: fake ${got.code}, real ${want}`);
        if (stateOf(fakeEntry(vip)) !== stateOf(table.get(vip))) {
          disagreements.push(`${step} on ${state.name}: fake leaves ${stateOf(fakeEntry(vip))}, real ${stateOf(table.get(vip))}`);
        }
        if (got.code === 200) balancerReplies[path].parse(got.body);
      }
    }
    assert.deepEqual(disagreements, []);
    // A table that refused nothing would make this comparison vacuous.
    assert.ok(refusedCount >= 5, `only ${refusedCount} refusals among ${STATES.length * 6} cases`);
  });

  it('row steps work in every state and leave the mode alone, as on the real balancer', async () => {
    for (const state of STATES) {
      for (const path of ROW_STEPS) {
        const { vip, table } = await prepare(state);
        const got = await post(fake, path, vip);
        assert.equal(got.code, 200, `${path} on ${state.name}`);
        balancerReplies[path].parse(got.body);
        assert.equal(stateOf(fakeEntry(vip)), stateOf(table.get(vip)), `${path} on ${state.name}`);
      }
    }
  });

  it('refuses, as the real one does, the three steps it once accepted, and imported rows that name another VIP', async () => {
    const normal = STATES.find((s) => s.name === 'normal, address up')!;
    const unknown = STATES.find((s) => s.name === 'unknown')!;
    assert.equal((await post(fake, '/migration/begin', (await prepare(normal)).vip)).code, 409, 'begin on a normal VIP');
    assert.equal((await post(fake, '/migration/finish', (await prepare(unknown)).vip)).code, 409, 'finish on an unknown VIP');
    const { vip } = await prepare(normal);
    assert.equal((await post(fake, '/migration/abort', vip)).code, 409, 'abort on a normal VIP');
    assert.equal(fake.mode(vip), 'normal', 'a refused abort keeps the VIP');
    const res = await fetch(`http://${fake.endpoint.api}/rows/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ vip, rows: [row('198.18.9.250')] }),
    });
    assert.equal(res.status, 409, 'a row for another VIP');
    assert.ok(fake.refusals.length >= 4, 'refusals are recorded for the controller tests to see');
  });
});
