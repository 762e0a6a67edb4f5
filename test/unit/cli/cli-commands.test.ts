// The command table and the refusals that happen before anything touches Docker.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProgram } from '../../../src/cli/main.js';
import { RUNTIMES } from '../../../src/cli/lab-drivers.js';
import { repoRoot } from '../../helpers/repo-root.js';

const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const bin = path.join(repoRoot, 'bin/failover-lab.js');
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000, env });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
};

describe('failover-lab commands', function () {
  this.timeout(30_000);

  it('has one command per module, each registered once', () => {
    const names = buildProgram().commands.map((c) => c.name());
    assert.deepEqual(names, [
      'deploy',
      'destroy',
      'inspect',
      'exec',
      'stop',
      'start',
      'vlan',
      'graph',
      'capture',
      'run',
      'compare',
      'doctor',
    ]);
  });

  it('doctor without an engine: the table says why, and the exit code is 1 with the reason', () => {
    const r = cli(['doctor'], { ...process.env, DOCKER_HOST: 'unix:///nonexistent/failover-lab-doctor.sock' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^Docker engine +missing +docker: engine does not answer .*ENOENT.* → nothing can be deployed/m);
    assert.match(r.stdout, /^feature probe +missing +no engine to run it/m);
    assert.match(r.stderr, /no usable container engine: docker: engine does not answer/);
  });

  it('offers --runtime with the same choices on every lab command', () => {
    for (const command of buildProgram().commands.filter((c) => ['deploy', 'destroy', 'inspect'].includes(c.name()))) {
      const option = command.options.find((o) => o.long === '--runtime');
      assert.deepEqual(option?.argChoices, [...RUNTIMES], command.name());
      assert.equal(option?.defaultValue, 'docker');
    }
  });

  it('run takes several scenarios, --shard and --reruns; compare takes --reruns', () => {
    const run = buildProgram().commands.find((c) => c.name() === 'run')!;
    assert.ok(run.registeredArguments[0]!.variadic);
    assert.ok(run.options.some((o) => o.long === '--shard') && run.options.some((o) => o.long === '--reruns'));
    assert.ok(
      buildProgram()
        .commands.find((c) => c.name() === 'compare')!
        .options.some((o) => o.long === '--reruns'),
    );
  });

  it('run refuses bad shards, bad reruns, missing paths and empty folders, compare a missing bench file, with exit 2 and a clear message', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'fl-empty-'));
    try {
      for (const [args, message] of [
        [['run', 'scenarios', '--shard', '4/3'], /--shard is '4\/3': a shard is i\/n/],
        [['run', 'scenarios', '--shard', '99/99'], /shard 99\/99 selects none of the \d+ scenarios/],
        [['run', 'scenarios', '--reruns', 'x'], /--reruns is 'x'/],
        [['run', 'no/such/folder'], /scenario path no\/such\/folder does not exist/],
        [['run', empty], /holds no scenario file/],
        [['run', 'scenarios/probe', 'scenarios/nat-lb', '--keep'], /--keep leaves one lab deployed, but \d+ scenarios were given/],
        [
          ['compare', 'scenarios/redirector/crash-backend.yml', '--bench', path.join(empty, 'none.json')],
          /--bench .*none\.json: cannot read it \(ENOENT.*\); `make bench` writes runs\/bench\/<bench>\.json/,
        ],
      ] as const) {
        const r = cli([...args]);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
