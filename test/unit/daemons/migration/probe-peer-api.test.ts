import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import { startJsonApi, type JsonApi } from '../../../../src/daemons/shared/json-api.js';
import { probePeerRoutes } from '../../../../src/daemons/migration/agent/probe-peer-api.js';
import { holdChanges, holdTableScript } from '../../../../src/daemons/migration/agent/probe-control.js';
import { parseAgentConfig } from '../../../../src/daemons/migration/agent/agent-config.js';
import { parseGatewayConfig } from '../../../../src/daemons/migration/user-gateway/gateway-config.js';

const TOKEN = 'peer-token-1';
const VIP = '198.18.55.100';

describe('migration agent: the probe path at the backup', () => {
  let api: JsonApi;
  const log: string[] = [];
  let refuse: string | undefined;
  before(async () => {
    api = await startJsonApi(
      '127.0.0.1:0',
      TOKEN,
      probePeerRoutes({
        local: {
          findPid: async () => 42,
          vip: async (action, vip) => void log.push(`vip ${action} ${vip}`),
        },
        clock: manualClock(0),
        emit: () => undefined,
        control: '127.0.0.1:7001',
        match: 'probe',
        probe: async (_c, request) => {
          log.push(`probe ${(request as { op: string }).op}`);
          const conns = (request as { conns: { checkpoint: { client: string } }[] }).conns;
          return {
            ok: true,
            results: conns.map((c) => ({ client: c.checkpoint.client, ok: c.checkpoint.client !== refuse, error: 'EADDRINUSE' })),
          };
        },
        hold: async (vip, port, mode) => void log.push(`hold ${mode} ${vip}:${port}`),
        timeoutMs: 1000,
      }),
    );
  });
  after(() => api.close());

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { code: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const item = (client: string) => ({ checkpoint: { client }, answer: { ack: 1 } });

  it('keeps the state behind a hold with the VIP added, and on resume holds only the resets while it rebuilds', async () => {
    const kept = await post('/peer/probe-state', {
      migration: 'm1',
      vip: VIP,
      port: 7000,
      items: [item('198.18.50.10:4000')],
      rebuildNow: false,
    });
    assert.deepEqual(kept.body, { pid: 42, rebuilt: 0, ms: 0 });
    assert.deepEqual(log.splice(0), [`hold all ${VIP}:7000`, `vip add ${VIP}`]);
    const rebuilt = await post('/peer/probe-rebuild', { migration: 'm1' });
    assert.equal(rebuilt.body.rebuilt, 1);
    assert.deepEqual(log.splice(0), [`hold resets ${VIP}:7000`, 'probe restore', `hold off ${VIP}:7000`]);
    const again = await post('/peer/probe-rebuild', { migration: 'm1' });
    assert.equal(again.code, 409, 'the state is used once');
  });

  it('a connection the probe server could not rebuild fails the resume, naming it', async () => {
    refuse = '198.18.50.10:4001';
    await post('/peer/probe-state', {
      migration: 'm2',
      vip: VIP,
      port: 7000,
      items: [item('198.18.50.10:4000'), item(refuse)],
      rebuildNow: false,
    });
    const r = await post('/peer/probe-rebuild', { migration: 'm2' });
    assert.equal(r.code, 500);
    assert.match(String(r.body.error), /rebuilt 1 of 2: 198\.18\.50\.10:4001: EADDRINUSE/);
  });
});

describe('migration agent and gateway: configs and the hold rule', () => {
  it('the hold drops what is not a SYN to a held VIP and port, and every RST from it', () => {
    const script = holdTableScript();
    assert.match(script, /set held \{ type ipv4_addr \. inet_service; \}/);
    assert.match(script, /ip daddr \. tcp dport @held tcp flags & \(syn \| ack\) != syn drop/);
    assert.match(script, /ip saddr \. tcp sport @held tcp flags & rst == rst drop/);
    // Replaces a table an earlier run left, in the same transaction.
    assert.match(script, /^table ip fl_migration_hold\ndelete table ip fl_migration_hold\ntable ip fl_migration_hold \{/);
    assert.match(script, /ip saddr \. tcp sport @quiet tcp flags & rst == rst drop/);
    const [on, quiet] = holdChanges(VIP, 7000, 'all');
    assert.deepEqual(
      [on!.op, on!.family, on!.table, on!.set, on!.label],
      ['add', 'ip', 'fl_migration_hold', 'held', '198.18.55.100 . 7000'],
    );
    assert.equal(on!.key.toString('hex'), 'c61237641b580000');
    assert.deepEqual([quiet!.op, quiet!.set], ['delete', 'quiet']);
    const show = (mode: 'all' | 'resets' | 'off') => holdChanges(VIP, 7000, mode).map((c) => `${c.op} ${c.set}`);
    assert.deepEqual(show('resets'), ['delete held', 'add quiet']);
    assert.deepEqual(show('off'), ['delete held', 'delete quiet']);
  });

  it('refuses configs that cannot work, naming the line', () => {
    const agent =
      'token: agent-token\nlisten: 198.18.53.11:7400\nrealIp: 198.18.51.11\npeer: { name: b, api: "198.18.54.12:7401" }\npeerToken: peer-token\npeerListen: 198.18.54.11:7401\n';
    assert.equal(parseAgentConfig(agent, 'a.yml').method, 'criu');
    assert.throws(
      () => parseAgentConfig(agent.replace('198.18.54.11:7401', '198.18.53.11:7400'), 'a.yml'),
      /a\.yml:6:\d+: .*peerListen must differ/,
    );
    assert.throws(() => parseAgentConfig(agent + 'method: rsync\n', 'a.yml'), /a\.yml:7:\d+/);
    const gw = 'token: gateway-token\nlisten: 198.18.53.20:7500\nusers:\n  - { name: cl1, port: eth1 }\n  - { name: cl2, port: eth1 }\n';
    assert.throws(() => parseGatewayConfig(gw, 'g.yml'), /g\.yml:5:\d+: .*two users have port 'eth1'/);
  });
});
