// redirector-admin: seed 002's administrator interface (125) as a command line, on any node
// that reaches the redirector's API:
//   node …/redirector/admin/main.js --api ADDR:PORT --token T show
//   … set-ratio PORT BACKEND RATIO | add PORT BACKEND RATIO | remove PORT BACKEND | stop PORT BACKEND
// `show` prints both tables; every change prints table 112 as it is afterwards. A refused
// request exits 1 with the daemon's reason; bad usage exits 2.
import { Command, InvalidArgumentError } from 'commander';

interface Options {
  api: string;
  token: string;
}

interface Member {
  backend: string;
  ratio: number;
  state: string;
}
interface Status {
  forwarding: { port: number; members: Member[] }[];
  following: boolean;
  removed: { port: number; backend: string; ratio: number; reason: string }[];
  assigned: { count: number; counts: Record<string, Record<string, number>> };
  backends: { backend: string; health: string; silentMs: number; load?: number }[];
}

const int = (what: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be an integer ${min}–${max}, got '${v}'`);
  return n;
};

const call = async (o: Options, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Status> => {
  const res = await fetch(`http://${o.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Status & { error?: string };
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.error ?? ''}`);
  return json;
};

const forwardingLines = (s: Status): string[] => [
  `table 112 (forwarding control)${s.following ? ": the standby's copy of the active front end's" : ''}`,
  ...s.forwarding.map(
    (f) =>
      `  ${f.port}: ${f.members.map((m) => `${m.backend}=${m.ratio}${m.state === 'serving' ? '' : ` (${m.state})`}`).join(' ') || '(none)'}`,
  ),
  ...s.removed.map((r) => `  ${r.port}: ${r.backend} removed (${r.reason}, last ratio ${r.ratio})`),
];

const show = (s: Status): string[] => [
  ...forwardingLines(s),
  `table 111 (assigned routes): ${s.assigned.count}`,
  ...Object.entries(s.assigned.counts).map(
    ([port, c]) =>
      `  ${port}: ${Object.entries(c)
        .map(([b, n]) => `${b}=${n}`)
        .join(' ')}`,
  ),
  'back ends',
  ...s.backends.map((b) => `  ${b.backend} ${b.health} (silent ${b.silentMs} ms${b.load === undefined ? '' : `, load ${b.load}`})`),
];

const program = new Command('redirector-admin')
  .requiredOption('--api <addr:port>', "the redirector's API")
  .requiredOption('--token <token>', 'its bearer token')
  .option('--json', 'print the status as JSON');
const print = (s: Status, lines: (s: Status) => string[]): void => {
  process.stdout.write((program.opts<{ json?: boolean }>().json ? JSON.stringify(s, null, 2) : lines(s).join('\n')) + '\n');
};
const port = int('PORT', 1, 65535);
const ratio = int('RATIO', 0, 100);

program.command('show').action(async () => print(await call(program.opts<Options>(), 'GET', '/status'), show));
program
  .command('set-ratio <port> <backend> <ratio>')
  .description('ratio 0 drains; a ratio for a removed back end re-adds it')
  .action(async (p: string, backend: string, r: string) =>
    print(await call(program.opts<Options>(), 'POST', '/ratio', { port: port(p), backend, ratio: ratio(r) }), forwardingLines),
  );
program
  .command('add <port> <backend> <ratio>')
  .action(async (p: string, backend: string, r: string) =>
    print(await call(program.opts<Options>(), 'POST', '/backend/add', { port: port(p), backend, ratio: ratio(r) }), forwardingLines),
  );
program
  .command('remove <port> <backend>')
  .description('out of 112 at once; its connections are cut and their clients told')
  .action(async (p: string, backend: string) =>
    print(await call(program.opts<Options>(), 'POST', '/backend/remove', { port: port(p), backend }), forwardingLines),
  );
program
  .command('stop <port> <backend>')
  .description('drain-then-stop: ratio 0, then its process stops once no connection to it is left')
  .action(async (p: string, backend: string) =>
    print(await call(program.opts<Options>(), 'POST', '/backend/stop', { port: port(p), backend }), forwardingLines),
  );

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`redirector-admin: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof InvalidArgumentError ? 2 : 1);
});
