import { strict as assert } from 'node:assert';
import { agentCommandSchema, agentReportSchema, decodeMessage, encodeMessage } from '../../../../src/daemons/redirector/protocol.js';
import { signDatagram } from '../../../../src/daemons/shared/signed-datagram.js';
import { CONFIG_TEXT, config, report } from './redirector-fixtures.js';
import { parseRedirectorConfig } from '../../../../src/daemons/redirector/front/redirector-config.js';
import { parseAgentConfig } from '../../../../src/daemons/redirector/agent/agent-config.js';

const key = Buffer.from('redirector-agent-key');

describe('redirector: agent messages and config', () => {
  it('a signed report round-trips; a wrong key, a bad shape or a command where a report is due is refused', () => {
    const r = report('be1', 0.5, [8080], { '8080': 3 });
    assert.deepEqual(decodeMessage(encodeMessage(r, key), key, agentReportSchema), { ok: true, message: r });
    assert.deepEqual(decodeMessage(encodeMessage(r, key), Buffer.from('another-key-000'), agentReportSchema), {
      ok: false,
      reason: 'auth',
    });
    const forged = signDatagram(Buffer.from(JSON.stringify({ ...r, load: -1 })), key);
    assert.deepEqual(decodeMessage(forged, key, agentReportSchema), {
      ok: false,
      reason: 'malformed: load Number must be greater than or equal to 0',
    });
    const cmd = encodeMessage(
      { v: 1, kind: 'command', node: 'fe1', boot: 'b', seq: 1, sentMs: 0, to: 'be5', action: 'start', port: 8080 },
      key,
    );
    assert.equal(decodeMessage(cmd, key, agentReportSchema).ok, false);
    assert.equal(decodeMessage(cmd, key, agentCommandSchema).ok, true);
    assert.deepEqual(decodeMessage(signDatagram(Buffer.from('{'), key), key, agentReportSchema), { ok: false, reason: 'malformed' });
  });

  it('config: defaults for every open choice; cross-checks name the line', () => {
    const c = config();
    assert.equal(c.health.method, 'agent');
    assert.equal(c.health.reAdd, 'admin');
    assert.equal(c.kick, true);
    assert.equal(c.routes.refreshMs, 100);
    const bad = (from: string, to: string) => () =>
      parseRedirectorConfig(CONFIG_TEXT.replace('HEALTH', '{}').replace(from, to), '/lab/fe1.yml');
    assert.throws(
      bad('{ name: be2, ratio: 1 }]', '{ name: be7, ratio: 1 }]'),
      /fe1.yml:17:63: no back end be7; backends: lists be1, be2, be3/,
    );
    assert.throws(bad('spares: [be5, be6]', 'spares: [be1]'), /be1 already serves 8080; a spare must lack it/);
    assert.throws(bad('{ port: 8082,', '{ port: 8081,'), /service 8081 is listed twice/);
    assert.throws(bad('ratio: 2 }', 'ratio: 101 }'), /less than or equal to 100/);
    assert.throws(bad('health: {}', 'health: { method: tcp }'), /health method tcp needs health.tcpPort/);
  });

  it('config: a front end of a pair leaves the addresses to arp-ha; agents may report to several front ends', () => {
    const text = CONFIG_TEXT.replace('HEALTH', '{}');
    const paired = `${text}\npair: { peer: "198.18.31.22:7300", arpHa: { status: "127.0.0.1:7070", token: lab-status-token, group: front } }\n`;
    assert.throws(
      () => parseRedirectorConfig(paired, '/lab/fe1.yml'),
      /fe1.yml:\d+:\d+: a front end of a pair does not own vip and inside .*takeAddresses: false/,
    );
    const c = parseRedirectorConfig(`${paired}takeAddresses: false\n`, '/lab/fe1.yml');
    assert.deepEqual(c.pair, {
      peer: '198.18.31.22:7300',
      syncMs: 100,
      forwardFlooded: true,
      arpHa: { status: '127.0.0.1:7070', token: 'lab-status-token', group: 'front', pollMs: 500 },
    });
    const agent = (redirector: string) =>
      parseAgentConfig(`key: redirector-agent-key\nlisten: "198.18.31.11:7310"\nredirector: ${redirector}\n`, '/lab/agent.yml').redirector;
    assert.deepEqual(agent('["198.18.31.21:7310", "198.18.31.22:7310"]'), ['198.18.31.21:7310', '198.18.31.22:7310']);
    assert.equal(agent('"198.18.31.100:7310"'), '198.18.31.100:7310');
    assert.throws(() => agent('[]'), /agent.yml:3:\d+/);
  });
});
