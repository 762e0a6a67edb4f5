// A line-numbered stream client for the CRIU scripts (criu-agent-run.sh, criu-cross-container.sh):
// counts out-of-sequence lines and the longest pause, then prints one JSON line. Usage: node seq-client.mjs VIP [SECONDS]
// It ends at the server's FIN ("why":"FIN") or after SECONDS (default 12; "why":"done", its socket
// then still holding unread data, which its kernel answers with a reset).
import net from 'node:net';
const s = net.connect(7000, process.argv[2]);
let last = 0,
  rest = '',
  bytes = 0,
  bad = 0,
  lastData = Date.now(),
  maxGap = 0,
  gapAt = 0,
  tuple = '';
s.on('connect', () => {
  tuple = s.localAddress + ':' + s.localPort + ' -> ' + s.remoteAddress + ':' + s.remotePort;
});
s.on('data', (b) => {
  const now = Date.now();
  if (now - lastData > maxGap) {
    maxGap = now - lastData;
    gapAt = now;
  }
  lastData = now;
  bytes += b.length;
  const lines = (rest + b.toString()).split('\n');
  rest = lines.pop();
  for (const l of lines) {
    const n = Number(l);
    if (n !== last + 1) bad++;
    last = n;
  }
  // Read slowly enough that the server's queues stay full: bytes in flight at the dump.
  s.pause();
  setTimeout(() => s.resume(), 1);
});
const end = (why) => {
  console.log(JSON.stringify({ why, tuple, bytes, last, bad, maxGapMs: maxGap, gapAt }));
  process.exit(0);
};
s.on('error', (e) => end('error ' + e.code));
s.on('end', () => end('FIN'));
setTimeout(() => end('done'), Number(process.argv[3] ?? 12) * 1000);
