// The device's kernel effects: pin MAC 32 and IP 37 on NIC 31, install the nftables table of
// nic-plan.ts, and carry out each table change (routes and proxy neighbours through `ip`, set
// and map elements through one nfnetlink batch each, so a switch is one atomic transaction
// that spawns nothing). Decisions are the tables'; this only carries them out. With the
// automatic switch's hold, it also keeps the refusals queue (nic-plan.ts) and lets them go.
import { readFileSync } from 'node:fs';
import { macOf } from '../../../kernel/ip-addr.js';
import { NfQueueHold } from '../../../kernel/nfqueue.js';
import { NftCounters } from '../../../kernel/nft-counters.js';
import { NftBatches } from '../../../kernel/nft-batch.js';
import { runCommand } from '../../../kernel/run-command.js';
import type { TableChange } from '../nic-tables.js';
import { kernelStep, nftTableScript, REFUSAL_QUEUE, refusalQueueRule, sysctls, TABLE, type PlanSpec } from './nic-plan.js';
import type { SharedNicConfig } from './shared-nic-config.js';

export class DataPlane {
  private readonly elements = new NftBatches();
  private readonly counters = new NftCounters();
  private readonly plan: PlanSpec;
  /** Resets of refused connection requests, held while a check decides (automatic switch only). */
  private readonly refusals: NfQueueHold | undefined;

  constructor(private readonly config: SharedNicConfig) {
    const holdRefused = config.autoSwitch?.holdRefused ?? false;
    this.plan = { external: config.external.iface, deviceIp: config.deviceIp, holdRefused };
    // Connection requests arrive one per client retry: a few thousand held is already a stampede.
    this.refusals = holdRefused ? new NfQueueHold(4096) : undefined;
  }

  async install(): Promise<void> {
    const { iface, mac, address } = this.config.external;
    await runCommand('sysctl', ['-qw', ...sysctls(iface)]);
    if ((await macOf(iface)) !== mac) await runCommand('ip', ['link', 'set', 'dev', iface, 'address', mac]);
    await runCommand('ip', ['addr', 'replace', address, 'dev', iface]);
    await runCommand('nft', ['-f', '-'], { input: nftTableScript(this.plan) });
    if (this.refusals) {
      this.refusals.bind(REFUSAL_QUEUE);
      await runCommand('iptables-legacy', ['-t', 'mangle', '-D', ...refusalQueueRule()]).catch(() => undefined);
      await runCommand('iptables-legacy', ['-t', 'mangle', '-A', ...refusalQueueRule()]);
    }
  }

  /** How many refusals are held now (0 without the hold). */
  heldRefusals(): number {
    if (!this.refusals) return 0;
    this.refusals.poll();
    return this.refusals.held(REFUSAL_QUEUE);
  }

  /** Lets every held refusal go on to its client; returns how many. */
  releaseRefusals(): number {
    return this.refusals?.settle(REFUSAL_QUEUE, true) ?? 0;
  }

  /** Applies `changes` in order; each IP change's kernel steps in the order that never answers ARP for what cannot be delivered. */
  async apply(changes: readonly TableChange[]): Promise<void> {
    // Consecutive port changes (a switch, a demotion) go in one batch: one transaction.
    const ports = changes.filter((c) => c.kind === 'port-target');
    if (ports.length > 0) this.elements.apply(ports.flatMap((c) => kernelStep(this.plan, c).elements));
    for (const change of changes) {
      if (change.kind === 'port-target') continue;
      const step = kernelStep(this.plan, change);
      if (!step.ipFirst) this.elements.apply(step.elements);
      for (const args of step.ip) {
        // Removing what is already gone (a link that went down took its routes along) is done.
        if (change.kind === 'ip-removed') await runCommand('ip', args).catch(() => undefined);
        else await runCommand('ip', args);
      }
      if (step.ipFirst) this.elements.apply(step.elements);
    }
  }

  readCounters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, v] of this.counters.read('ip', TABLE)) out[name] = v.packets;
    return out;
  }

  close(): void {
    this.elements.close();
    this.counters.close();
    this.refusals?.close();
  }

  /** Leaving on purpose: nothing of the device stays answered or routed. */
  async remove(registered: readonly string[]): Promise<void> {
    if (this.refusals) {
      await runCommand('iptables-legacy', ['-t', 'mangle', '-D', ...refusalQueueRule()]).catch(() => undefined);
      this.refusals.unbind(REFUSAL_QUEUE, true);
    }
    for (const ip of registered) {
      await runCommand('ip', ['neigh', 'del', 'proxy', ip, 'dev', this.plan.external]).catch(() => undefined);
      await runCommand('ip', ['route', 'del', `${ip}/32`]).catch(() => undefined);
    }
    await runCommand('nft', ['delete', 'table', 'ip', TABLE]).catch(() => undefined);
    await runCommand('ip', ['addr', 'del', this.config.external.address, 'dev', this.plan.external]).catch(() => undefined);
  }
}

/** Whether `iface` has carrier (a link whose far end is gone reads 0; a link set down cannot be read). */
export const hasCarrier = (iface: string): boolean => {
  try {
    return readFileSync(`/sys/class/net/${iface}/carrier`, 'utf8').trim() === '1';
  } catch {
    return false;
  }
};
