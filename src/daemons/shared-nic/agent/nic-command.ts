// The operator's command on a server's console (seed 004 §3.6): tells the device, on behalf
// of this server (named in the agent's config), to switch a port to it, or sets a port state.
//   node …/shared-nic/agent/nic-command.js --config agent.yml switch --port 7000
//   node …/shared-nic/agent/nic-command.js --config agent.yml portstate --port 7000 --state active
// Prints the device's answer as one JSON line; exit 0 when applied, 1 when refused or
// unreachable, 2 for bad input.
import { Command, InvalidArgumentError } from 'commander';
import { errorMessage, InputFileError } from '../../../common/errors.js';
import { postCommand, type NicAnswer } from '../nic-client.js';
import { loadAgentConfig } from './agent-config.js';

const portArg = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a port 1–65535');
  return n;
};

const finish = (answer: NicAnswer): void => {
  process.stdout.write(JSON.stringify({ t: Date.now(), ...answer }) + '\n');
  process.exitCode = answer.ok ? 0 : 1;
};

const program = new Command('nic-command').requiredOption('-c, --config <file>', "the agent's YAML config (device, token, server)");

program
  .command('switch')
  .description('make this server active on the port; the active one becomes standby (both rows at once)')
  .requiredOption('--port <port>', 'TCP port', portArg)
  .action(async (o: { port: number }) => {
    const c = await loadAgentConfig(program.opts<{ config: string }>().config);
    finish(await postCommand(c.device.api, c.device.token, '/switch', { server: c.server, port: o.port }));
  });

program
  .command('portstate')
  .description("set this server's state on the port (active demotes the current active)")
  .requiredOption('--port <port>', 'TCP port', portArg)
  .requiredOption('--state <state>', 'active | standby', (v: string) => {
    if (v !== 'active' && v !== 'standby') throw new InvalidArgumentError('expected active or standby');
    return v;
  })
  .action(async (o: { port: number; state: 'active' | 'standby' }) => {
    const c = await loadAgentConfig(program.opts<{ config: string }>().config);
    finish(await postCommand(c.device.api, c.device.token, '/port/state', { server: c.server, port: o.port, state: o.state }));
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`nic-command: ${errorMessage(error)}\n`);
  process.exit(error instanceof InputFileError ? 2 : 1);
});
