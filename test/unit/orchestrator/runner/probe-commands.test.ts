import { strict as assert } from 'node:assert';
import { CRIU_NODE, PROBE_MAIN, serverArgv } from '../../../../src/orchestrator/runner/probe-commands.js';

describe('probe server command lines', () => {
  it('runs a plain server under the node of the image, with its events on stdout', () => {
    assert.deepEqual(serverArgv({ node: 'srvA', listen: '198.18.55.100:7000' }), [
      'node',
      PROBE_MAIN,
      'server',
      '--listen',
      '198.18.55.100:7000',
      '--node',
      'srvA',
    ]);
  });

  it('runs a CRIU server under node 18, as its own pid namespace init, every descriptor on /dev/null', () => {
    const argv = serverArgv({ node: 'srvA', listen: '198.18.55.100:7000', criu: true });
    assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
    assert.equal(
      argv[2],
      `exec unshare -p -f setsid ${CRIU_NODE} ${PROBE_MAIN} server --listen 198.18.55.100:7000 --node srvA --events /dev/null </dev/null >/dev/null 2>&1`,
    );
  });
});
