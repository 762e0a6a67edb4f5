import { strict as assert } from 'node:assert';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseCopyStoreConfig } from '../../../../src/daemons/nat-lb/copy-store/copy-store-config.js';

describe('nat-lb copy store: config', () => {
  const base = 'node: s1\ntoken: a-long-token\nlisten: 198.18.3.11:7901\n';
  it('defaults to no TCP table and names bad lines', () => {
    assert.deepEqual(parseCopyStoreConfig(base, '/c.yml').tcpTable, []);
    const rejects = (text: string, line: number, problem: RegExp) =>
      assert.throws(
        () => parseCopyStoreConfig(text, '/c.yml'),
        (e: unknown) => e instanceof InputFileError && e.position.line === line && problem.test(e.message),
      );
    rejects(base + 'extra: 1\n', 4, /unknown key 'extra'/);
    rejects(base + 'tcpTable:\n  - { vip: 198.18.7.1, ports: [80] }\n  - { vip: 198.18.7.1, ports: [81] }\n', 6, /listed twice/);
    rejects(base + 'tcpTable:\n  - { vip: 198.18.7.1, ports: [0] }\n', 5, /greater than or equal to 1/);
  });
});
