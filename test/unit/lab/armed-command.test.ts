import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { armedScript } from '../../../src/lab/armed-command.js';

/** Runs the node's side of an armed command in a local shell; resolves with its output once it said it is ready. */
const arm = (fifo: string, run: string) => {
  const child = spawn('sh', ['-c', armedScript(fifo, run)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.startsWith('armed\n')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { ready, exited, output: () => out };
};

const send = (fifo: string, line: string) => {
  const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  writeSync(fd, `${line}\n`);
  closeSync(fd);
};

/** The FIFO exists once `mkfifo` ran, and its reader may still be on its way to open(): retry briefly. */
const sendWhenRead = async (fifo: string, line: string) => {
  for (let i = 0; ; i++) {
    try {
      return send(fifo, line);
    } catch (e) {
      if (i > 200) throw e;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
};

describe('armed command (the node side, in a real shell)', () => {
  it('runs the command only on go, with its exit code, and leaves no FIFO', async () => {
    const fifo = `/tmp/fl-test-go-${randomBytes(4).toString('hex')}`;
    const a = arm(fifo, `echo "ran: it's here"; exit 3`);
    await a.ready;
    await sendWhenRead(fifo, 'go');
    assert.equal(await a.exited, 3);
    assert.equal(a.output(), "armed\nran: it's here\n");
    assert.equal(existsSync(fifo), false);
  });

  it('runs nothing on any other line (a fault never triggered)', async () => {
    const fifo = `/tmp/fl-test-go-${randomBytes(4).toString('hex')}`;
    const a = arm(fifo, 'echo ran');
    await a.ready;
    await sendWhenRead(fifo, 'skip');
    assert.equal(await a.exited, 0);
    assert.equal(a.output(), 'armed\n');
    assert.equal(existsSync(fifo), false);
  });

  it('refuses a release nobody waits for at once, instead of blocking the runner', () => {
    const fifo = `/tmp/fl-test-go-${randomBytes(4).toString('hex')}`;
    assert.throws(() => send(fifo, 'go'), /ENOENT/, 'no FIFO: the node restarted');
    spawnSync('mkfifo', [fifo]);
    try {
      assert.throws(() => send(fifo, 'go'), /ENXIO/, 'a FIFO with no shell reading it');
    } finally {
      rmSync(fifo);
    }
  });
});
