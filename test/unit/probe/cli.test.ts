import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHostPort, parseIntIn, parseRate, parseSeconds, ProbeUsageError } from '../../../src/probe/cli-options.js';
import { handleControlRequest } from '../../../src/probe/control-port.js';
import type { ProbeSummary } from '../../../src/probe/probe-report.js';
import { StateStore } from '../../../src/probe/server-state.js';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/probe/main.js');

const probe = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile('node', [main, ...args], { timeout: 15_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });

describe('probe command line', function () {
  this.timeout(20_000);

  it('parses its values, refusing bad ones with a usage error', () => {
    assert.deepEqual(parseHostPort('198.18.4.2:5000'), { host: '198.18.4.2', port: 5000 });
    assert.deepEqual(parseHostPort('[::1]:80'), { host: '::1', port: 80 });
    assert.deepEqual(parseHostPort(':7'), { host: '0.0.0.0', port: 7 });
    assert.equal(parseRate('100k'), 100_000);
    assert.equal(parseRate('1.5M'), 1_500_000);
    assert.equal(parseRate('0'), 0);
    assert.equal(parseSeconds('2.5'), 2.5);
    for (const bad of [
      () => parseHostPort('1.2.3.4'),
      () => parseHostPort('a:99999'),
      () => parseRate('-1'),
      () => parseRate('fast'),
      () => parseSeconds('0'),
      () => parseIntIn(1, 10)('11'),
      () => parseIntIn(1, 10)('2.5'),
    ]) {
      assert.throws(bad, ProbeUsageError);
    }
  });

  it('control requests: get, set (upsert or replace), and errors that name the problem', () => {
    const store = new StateStore();
    const access = {
      getState: () => store.list(),
      setState: (s: Parameters<StateStore['set']>[0], o?: { replace?: boolean }) => store.set(s, o?.replace),
    };
    store.record(1, 'c2s', 10);
    assert.deepEqual(handleControlRequest('{"op":"set","streams":[{"stream":2,"direction":"echo","offset":5}]}', access), {
      ok: true,
      streams: 1,
    });
    assert.deepEqual(handleControlRequest('{"op":"get"}', access), {
      ok: true,
      streams: [
        { stream: 1, direction: 'c2s', offset: 10 },
        { stream: 2, direction: 'echo', offset: 5 },
      ],
    });
    assert.deepEqual(handleControlRequest('{"op":"set","replace":true,"streams":[]}', access), { ok: true, streams: 0 });
    assert.deepEqual(store.list(), []);
    assert.match(
      String(handleControlRequest('{"op":"set","streams":[{"stream":1,"direction":"up","offset":0}]}', access).error),
      /bad direction/,
    );
    assert.match(
      String(handleControlRequest('{"op":"set","streams":[{"stream":1,"direction":"s2c","offset":-1}]}', access).error),
      /bad offset/,
    );
    assert.equal(handleControlRequest('not json', access).ok, false);
  });

  it('exits 2 on bad arguments', async () => {
    for (const args of [
      [],
      ['client', '--connect', '127.0.0.1:1'],
      ['client', '--connect', 'x', '--streams', '1', '--direction', 's2c', '--rate', '0', '--duration-s', '1'],
      ['client', '--connect', '127.0.0.1:1', '--streams', '1', '--direction', 'up', '--rate', '0', '--duration-s', '1'],
      ['server'],
      ['bogus'],
    ]) {
      const r = await probe(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
  });

  it('runs server and client as processes: summary on stdout and in --summary, events in --events, exit 0', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'probe-cli-'));
    const server = spawn('node', [
      main,
      'server',
      '--listen',
      '127.0.0.1:0',
      '--duration-s',
      '10',
      '--events',
      path.join(dir, 'server.jsonl'),
      '--node',
      'srv',
    ]);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        server.stderr.setEncoding('utf8').on('data', (t: string) => {
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(t);
          if (m) resolve(Number(m[1]));
        });
        server.once('exit', () => reject(new Error('server exited')));
      });
      const r = await probe([
        'client',
        '--connect',
        `127.0.0.1:${port}`,
        '--streams',
        '3',
        '--direction',
        'echo',
        '--rate',
        '50k',
        '--duration-s',
        '0.6',
        '--events',
        path.join(dir, 'client.jsonl'),
        '--summary',
        path.join(dir, 'summary.json'),
        '--node',
        'cli',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const fromStdout = JSON.parse(r.stdout.trim()) as ProbeSummary;
      const fromFile = JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')) as ProbeSummary;
      assert.deepEqual(fromStdout, fromFile);
      assert.equal(fromFile.node, 'cli');
      assert.deepEqual(
        fromFile.summary.map((s) => [s.stream, s.direction, s.failed, s.bytesLost + s.bytesDuplicated + s.bytesCorrupt]),
        [
          [1, 'echo', false, 0],
          [2, 'echo', false, 0],
          [3, 'echo', false, 0],
        ],
      );
      const events = (await readFile(path.join(dir, 'client.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { event: string });
      assert.equal(events.filter((e) => e.event === 'established').length, 3);
      // SIGTERM ends a client run early, still with its summary and exit 0.
      const early = spawn('node', [
        main,
        'client',
        '--connect',
        `127.0.0.1:${port}`,
        '--streams',
        '2',
        '--first-stream-id',
        '10',
        '--direction',
        's2c',
        '--rate',
        '100k',
        '--duration-s',
        '60',
        '--events',
        '/dev/null',
      ]);
      let earlyOut = '';
      early.stdout.setEncoding('utf8').on('data', (t: string) => {
        earlyOut += t;
      });
      setTimeout(() => early.kill('SIGTERM'), 700);
      assert.equal(await new Promise((resolve) => early.once('exit', resolve)), 0);
      const earlySummary = JSON.parse(earlyOut.trim()) as ProbeSummary;
      assert.deepEqual(
        earlySummary.summary.map((s) => s.stream),
        [10, 11],
      );
      assert.ok(earlySummary.summary.every((s) => s.bytes > 0 && s.bytes < 200_000));

      server.kill('SIGTERM');
      const code = await new Promise((resolve) => server.once('exit', resolve));
      assert.equal(code, 0);
      const serverEvents = (await readFile(path.join(dir, 'server.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { event: string; node: string });
      assert.deepEqual(serverEvents.map((e) => e.event).sort(), [...Array<string>(5).fill('eof'), ...Array<string>(5).fill('established')]);
      assert.ok(serverEvents.every((e) => e.node === 'srv'));
    } finally {
      server.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
