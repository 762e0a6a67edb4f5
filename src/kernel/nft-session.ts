// One long-lived `nft -i` for the one-line rule changes on a failover's critical path (an ARP
// gate flip, a reset hold): spawning nft costs 2 ms on an idle machine and 20 ms or more on a
// loaded one, writing a line to a running one costs well under a millisecond. Interactive nft
// runs each line as its own transaction, prints nothing on success and "Error: …" on stderr,
// so completion is marked by listing an empty marker table after each command.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { TestbedError } from '../common/errors.js';
import { runCommand } from './run-command.js';

const MARKER_TABLE = 'fl_nft_marker';
const MARKER_LINE = `table ip ${MARKER_TABLE} {`;

export class NftSessionError extends TestbedError {
  constructor(command: string, problem: string) {
    super('NFT_SESSION', `nft: ${command.trim()}: ${problem}`);
  }
}

interface Pending {
  command: string;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class NftSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  private stdout = '';
  private stderr = '';
  private sawMarker = false;
  private readonly pending: Pending[] = [];

  /** Runs one-line nft commands (several lines: several transactions, in order). */
  async run(commands: string): Promise<void> {
    const lines = commands.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length === 0) return;
    const child = await this.ensure();
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ command: lines.join('; '), resolve, reject });
      child.stdin.write(`${lines.join('\n')}\nlist table ip ${MARKER_TABLE}\n`);
    });
  }

  /** Runs several commands as one transaction (one line of `nft -i` is one batch): all or none. */
  transaction(commands: string): Promise<void> {
    return this.run(commands.split('\n').map((l) => l.trim()).filter((l) => l !== '').join('; '));
  }

  close(): void {
    this.child?.stdin.end();
    this.child?.kill();
    this.child = undefined;
  }

  private async ensure(): Promise<ChildProcessWithoutNullStreams> {
    if (this.child && this.child.exitCode === null) return this.child;
    await runCommand('nft', ['add', 'table', 'ip', MARKER_TABLE]);
    const child = spawn('nft', ['-i'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => this.onStdout(text));
    child.stderr.on('data', (text: string) => { this.stderr += text; });
    child.on('exit', (code) => this.failAll(`nft -i exited (${code ?? 'signal'})`));
    child.on('error', (e) => this.failAll(e.message));
    this.child = child;
    return child;
  }

  private onStdout(text: string): void {
    this.stdout += text;
    for (let nl = this.stdout.indexOf('\n'); nl >= 0; nl = this.stdout.indexOf('\n')) {
      const line = this.stdout.slice(0, nl).trim();
      this.stdout = this.stdout.slice(nl + 1);
      if (line === MARKER_LINE) this.sawMarker = true;
      else if (line === '}' && this.sawMarker) {
        this.sawMarker = false;
        // nft wrote any error before it listed the marker; give its stderr pipe a turn to arrive.
        setImmediate(() => this.settleOne());
      }
    }
  }

  private settleOne(): void {
    const p = this.pending.shift();
    if (!p) return;
    const error = this.stderr.trim();
    this.stderr = '';
    if (error) p.reject(new NftSessionError(p.command, error.split('\n')[0]!));
    else p.resolve();
  }

  private failAll(problem: string): void {
    this.child = undefined;
    for (const p of this.pending.splice(0)) p.reject(new NftSessionError(p.command, problem));
  }
}
