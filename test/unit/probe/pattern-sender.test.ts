import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { manualClock } from '../../../src/common/clock.js';
import { encodePong } from '../../../src/probe/frames.js';
import { Pacer, PatternSender } from '../../../src/probe/pattern-sender.js';
import { GRID_FRAME_BYTES, S2cLayout } from '../../../src/probe/s2c-layout.js';

/** A socket that takes every write (as a kernel with room does) and counts the bytes. */
class CountingSocket extends EventEmitter {
  destroyed = false;
  writable = true;
  written = 0;
  write(chunk: Buffer): boolean {
    this.written += chunk.length;
    return true;
  }
}

describe('pattern sender', () => {
  it('a PONG mid-frame completes the frame without costing the stream its pace (a 1 KB/s stream keeps sending)', () => {
    const clock = manualClock(0);
    const pacer = new Pacer(clock, 20);
    const socket = new CountingSocket();
    const layout = new S2cLayout(1, 0);
    const sender = new PatternSender(socket as unknown as Socket, 1, 0, 1000, pacer, undefined, layout);
    sender.start();
    const tickFor = (ms: number) => {
      for (let t = 0; t < ms; t += 20) {
        clock.advance(20);
        sender.tick(clock.monotonicMs());
      }
    };
    tickFor(2000);
    const paced = socket.written;
    assert.ok(paced >= 1900 && paced <= 2100, `2 s at 1 KB/s: ${paced} bytes`);
    sender.control(encodePong(1, 0));
    const afterPong = socket.written;
    assert.ok(afterPong - paced >= GRID_FRAME_BYTES - 2100, 'the current grid frame was completed at once');
    tickFor(1000);
    const next = socket.written - afterPong;
    assert.ok(next >= 900 && next <= 1100, `the second after the PONG still carries 1 KB, not nothing: ${next} bytes`);
    sender.stop();
  });
});
