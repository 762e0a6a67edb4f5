// The failover-lab command: flags → options → one call into lab/ (thin, like containerlab's cmd/).
// Exit codes: 0 success, 1 failure, 2 bad input (usage, topology file).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { InputFileError, errorMessage } from '../common/errors.js';
import { createLogger } from '../common/logger.js';
import { LABEL } from '../lab/labels.js';
import { destroyLabs } from '../lab/destroy.js';
import type { StopMode } from '../lab/node-lifecycle.js';
import type { LabelFilter } from '../runtime/container-runtime.js';
import { ContainerlabDriver } from '../runtime/containerlab/containerlab-cli.js';
import { renderGraph, type GraphFormat } from '../topology/graph.js';
import { UsageError, createCliContext, installInterruptHandler, loadLab, resolveTopologyFile } from './cli-context.js';
import { capture } from '../lab/capture.js';
import { inspectRows, renderTable } from './commands/inspect-table.js';
import { resolveNodeContainer } from './node-target.js';
import { createRunProgress } from './run-progress.js';
import { createPlainProgress } from '../common/progress.js';
import { parseScenarioFile } from '../orchestrator/scenario/parse-scenario.js';
import { exitCodeOf, runScenario, stamp } from '../orchestrator/runner/run-scenario.js';
import { DEFAULT_RERUNS, RERUNS_ENV, resolveReruns } from '../orchestrator/runner/rerun-policy.js';
import { consoleSummary } from '../orchestrator/report/console-summary.js';
import { writeComparison } from '../orchestrator/report/comparison.js';

const runtimeOption = () => new Option('--runtime <name>', 'container engine').choices(['docker', 'containerlab']).default('docker');
const out = (text: string) => process.stdout.write(text);

const program = new Command('failover-lab')
  .description('containerlab topologies on a real Docker engine, for high-availability tests')
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(s) });

program.command('deploy')
  .description('deploy a lab: containers, management network, veth links, exec commands')
  .option('-t, --topo <file>', 'topology file (*.clab.yml)')
  .option('--reconfigure', 'destroy a lab of the same name first')
  .addOption(runtimeOption())
  .action(async (o: { topo?: string; reconfigure?: boolean; runtime: string }) => {
    if (o.runtime === 'containerlab') return void (await new ContainerlabDriver().deploy(resolveTopologyFile(o.topo), { reconfigure: !!o.reconfigure }));
    const ctx = createCliContext();
    const lab = await loadLab(o.topo, ctx);
    const started = await lab.deploy({ reconfigure: !!o.reconfigure });
    const rows = inspectRows(await ctx.runtime.listContainers({ [LABEL.lab]: started.name }));
    out(renderTable(rows));
  });

program.command('destroy')
  .description('remove a lab completely (containers, links, networks, lab folder); idempotent')
  .option('-t, --topo <file>', 'topology file')
  .option('-a, --all', 'every lab this tool deployed')
  .addOption(runtimeOption())
  .action(async (o: { topo?: string; all?: boolean; runtime: string }) => {
    if (o.runtime === 'containerlab') {
      return void (await new ContainerlabDriver().destroy(o.all ? { all: true } : { topologyFile: resolveTopologyFile(o.topo) }));
    }
    const ctx = createCliContext();
    const report = o.all
      ? await ctx.progress.step('destroying all labs', () => destroyLabs({ all: true }, ctx))
      : await (async () => {
          const lab = await loadLab(o.topo, ctx);
          return ctx.progress.step(`destroying lab ${lab.name}`, () => lab.destroy());
        })();
    ctx.logger.info(`removed ${report.containers.length} containers, ${report.networks.length} networks, ${report.namespaces.length} parked namespaces`);
  });

program.command('inspect')
  .description('list deployed lab nodes')
  .option('-t, --topo <file>', 'only the lab of this topology file')
  .option('-a, --all', 'every lab (the default without -t)')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
  .addOption(runtimeOption())
  .action(async (o: { topo?: string; format: 'table' | 'json'; runtime: string }) => {
    if (o.runtime === 'containerlab') {
      out(await new ContainerlabDriver().inspect(o.topo ? { topologyFile: resolveTopologyFile(o.topo) } : { all: true }, o.format));
      return;
    }
    const ctx = createCliContext();
    const filter: LabelFilter = o.topo ? { [LABEL.lab]: (await loadLab(o.topo, ctx)).name } : { [LABEL.managed]: 'true' };
    const rows = inspectRows(await ctx.runtime.listContainers(filter));
    out(o.format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : renderTable(rows));
  });

program.command('exec')
  .description('run a command in a lab node: exec NODE -- CMD [ARGS...]')
  .argument('<node>').argument('<command...>')
  .option('-t, --topo <file>', 'topology file (else the node is looked up among deployed labs)')
  .action(async (node: string, command: string[], o: { topo?: string }) => {
    const ctx = createCliContext();
    const container = await resolveNodeContainer(ctx, o.topo, node);
    const result = await ctx.runtime.exec(container, command);
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  });

program.command('stop')
  .description('stop one node; its links survive for a later start')
  .argument('<node>')
  .option('-t, --topo <file>', 'topology file')
  .addOption(new Option('--mode <mode>', 'graceful (SIGTERM, peers get FIN), kill (SIGKILL), crash (links cut first: no FIN escapes)')
    .choices(['graceful', 'kill', 'crash']).default('graceful'))
  .action(async (node: string, o: { topo?: string; mode: StopMode }) => {
    const ctx = createCliContext();
    const lab = await (await loadLab(o.topo, ctx)).attach();
    await ctx.progress.step(`stop ${node} (${o.mode})`, () => lab.stopNode(node, o.mode));
  });

program.command('start')
  .description('start a stopped node, reconnect its links and re-run its exec list')
  .argument('<node>')
  .option('-t, --topo <file>', 'topology file')
  .action(async (node: string, o: { topo?: string }) => {
    const ctx = createCliContext();
    const lab = await (await loadLab(o.topo, ctx)).attach();
    await ctx.progress.step(`start ${node}`, async () => void (await lab.startNode(node)));
  });

program.command('vlan')
  .description('move a switch port to another VLAN at run time: vlan SWITCH PORT VLAN')
  .argument('<switch>').argument('<port>').argument('<vlan>')
  .option('-t, --topo <file>', 'topology file')
  .action(async (sw: string, port: string, vlan: string, o: { topo?: string }) => {
    const ctx = createCliContext();
    const container = await resolveNodeContainer(ctx, o.topo, sw);
    const result = await ctx.runtime.exec(container, ['/opt/failover-lab/bin/lab-switch', 'port', port, vlan]);
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  });

program.command('graph')
  .description('print the topology as a Mermaid or DOT graph')
  .option('-t, --topo <file>', 'topology file')
  .addOption(new Option('-f, --format <format>', 'graph format').choices(['mermaid', 'dot']).default('mermaid'))
  .option('-o, --output <file>', 'write to a file instead of stdout')
  .action(async (o: { topo?: string; format: GraphFormat; output?: string }) => {
    const ctx = createCliContext();
    const text = renderGraph((await loadLab(o.topo, ctx)).topology, o.format);
    if (o.output) await writeFile(o.output, text);
    else out(text);
  });

program.command('capture')
  .description('capture packets on a node interface into a pcap file')
  .argument('<node>').argument('<iface>')
  .option('-t, --topo <file>', 'topology file')
  .option('-w, --write <file>', 'pcap file to write', '')
  .option('-c, --count <n>', 'stop after n packets', (v) => Number(v))
  .option('-d, --duration <s>', 'stop after s seconds', (v) => Number(v))
  .option('--filter <expr>', 'pcap filter expression')
  .action(async (node: string, iface: string, o: { topo?: string; write: string; count?: number; duration?: number; filter?: string }) => {
    const ctx = createCliContext();
    const container = await resolveNodeContainer(ctx, o.topo, node);
    const file = o.write || `${node}-${iface}.pcap`;
    ctx.logger.info(`capturing on ${node}:${iface} into ${file}${o.count || o.duration ? '' : ' (Ctrl-C to stop)'}`);
    process.exitCode = await capture(container, iface, {
      out: file,
      ...(o.count ? { count: o.count } : {}),
      ...(o.duration ? { durationS: o.duration } : {}),
      ...(o.filter ? { filter: o.filter } : {}),
    }, ctx);
  });

program.command('run')
  .description('run a scenario: deploy, workload, faults, checks, report, destroy')
  .argument('<scenario>', 'scenario file (YAML)')
  .option('-o, --out <dir>', 'base folder for run folders', 'runs')
  .option('-r, --repeat <n>', 'repeats (overrides the file)', (v) => Number(v))
  .option('-s, --seed <n>', 'seed (overrides the file)', (v) => Number(v))
  .option('--keep', 'leave the last repeat\'s lab deployed')
  .option('--pcap-always', 'keep pcaps of passing repeats too')
  .option('--reruns <n>', `reruns of a failed repeat; a pass on a rerun is FLAKY (default: $${RERUNS_ENV}, else ${DEFAULT_RERUNS})`)
  .action(async (file: string, o: { out: string; repeat?: number; seed?: number; keep?: boolean; pcapAlways?: boolean; reruns?: string }) => {
    const ctx = createCliContext();
    const scenario = await parseScenarioFile(file);
    const progress = createRunProgress();
    try {
      const result = await runScenario(scenario, {
        ctx: { ...ctx, progress: createPlainProgress() },
        outBase: o.out,
        ...(o.repeat ? { repeat: o.repeat } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        ...(o.keep ? { keep: true } : {}),
        ...(o.pcapAlways ? { pcapAlways: true } : {}),
        reruns: resolveReruns({ ...(o.reruns !== undefined ? { flag: o.reruns } : {}), env: process.env[RERUNS_ENV] }),
        onRerun: (r, attempt) => progress.onRerun(r, attempt),
        onEntry: (r, e) => progress.onEntry(r, e),
        onRepeat: (r) => progress.onRepeat(r),
      });
      progress.stop();
      out(consoleSummary(result.report, result.written.reportHtml));
      process.exitCode = exitCodeOf(result.report);
    } finally {
      progress.stop();
    }
  });

program.command('compare')
  .description('run several scenarios (a mechanism and its baseline) and report them side by side')
  .argument('<scenarios...>', 'scenario files')
  .option('-o, --out <dir>', 'base folder for run folders', 'runs')
  .option('-r, --repeat <n>', 'repeats for every scenario (overrides the files)', (v) => Number(v))
  .action(async (files: string[], o: { out: string; repeat?: number }) => {
    const ctx = createCliContext();
    const scenarios = await Promise.all(files.map((f) => parseScenarioFile(f)));
    const progress = createRunProgress();
    const compareDir = path.resolve(o.out, `compare-${stamp(new Date())}`);
    const runs = [];
    try {
      for (const scenario of scenarios) {
        const result = await runScenario(scenario, {
          ctx: { ...ctx, progress: createPlainProgress() }, outBase: o.out, ...(o.repeat ? { repeat: o.repeat } : {}),
          onEntry: (r, e) => progress.onEntry(r, e), onRepeat: (r) => progress.onRepeat(r),
        });
        runs.push({ report: result.report, dir: path.relative(compareDir, result.dir) });
      }
    } finally {
      progress.stop();
    }
    const written = await writeComparison(compareDir, runs);
    out(`comparison: ${written.html}\n`);
    process.exitCode = runs.some((r) => exitCodeOf(r.report) === 2) ? 2 : runs.every((r) => r.report.passed) ? 0 : 1;
  });

export const main = async (argv: string[]): Promise<void> => {
  const logger = createLogger();
  installInterruptHandler(logger);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    logger.error(errorMessage(error));
    if (process.env.FAILOVER_LAB_DEBUG && error instanceof Error) logger.debug(error.stack ?? '');
    // `run` promises 2 for a scenario that could not run, whatever the reason.
    const running = argv[2] === 'run';
    process.exitCode = error instanceof InputFileError || error instanceof UsageError || running ? 2 : 1;
  }
};
