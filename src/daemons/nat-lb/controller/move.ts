// Asks a running nat-controller for a planned move (POST /move) and waits for its fate: a
// scenario's `command` fault needs a one-liner that fails (non-zero exit) unless the move ends
// the way it expects (`--expect done`, `rolled-back`, …). Where the CPU a node process takes
// to start matters (planned-move), a scenario sends the same request with curl.
//   node /opt/failover-lab/dist/src/daemons/nat-lb/controller/move.js \
//        --controller 198.18.21.13:7070 --token TOKEN --vip 198.18.20.101 --to lb2
import { Command } from 'commander';
import { errorMessage } from '../../../common/errors.js';

interface MoveOptions {
  controller: string;
  token: string;
  vip: string;
  to: string;
  timeoutMs: string;
  expect: string;
}

const move = async (o: MoveOptions): Promise<void> => {
  const res = await fetch(`http://${o.controller}/move`, {
    method: 'POST',
    headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ vip: o.vip, to: o.to }),
    signal: AbortSignal.timeout(Number(o.timeoutMs)),
  });
  const text = (await res.text()).trim();
  process.stdout.write(`${text}\n`);
  let state: unknown;
  try {
    state = (JSON.parse(text) as { state?: unknown }).state;
  } catch {
    state = undefined;
  }
  if (state !== o.expect)
    throw new Error(`controller answered ${res.status}, move ${typeof state === 'string' ? state : 'refused'}, expected ${o.expect}`);
};

const program = new Command('nat-move')
  .requiredOption('--controller <addr:port>', "the controller's API")
  .requiredOption('--token <token>', "the controller's bearer token")
  .requiredOption('--vip <ip>', 'the VIP to move')
  .requiredOption('--to <balancer>', 'the target balancer, by its name in the controller config')
  .option('--expect <state>', 'the outcome that makes this exit 0: done, rolled-back, …', 'done')
  .option('--timeout-ms <ms>', 'give up after this long (a move answers when done or rolled back)', '20000')
  .action(move);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`nat-move: ${errorMessage(error)}\n`);
  process.exit(1);
});
