// A model of the Linux bridge as `ip link` and `bridge vlan` drive it (net/bridge/br_vlan.c,
// br_netlink.c; iproute2's bridge/vlan.c), for the switch's VLAN-filtering plan, which this
// machine's kernel (no CONFIG_BRIDGE_VLAN_FILTERING) cannot run. It refuses what they refuse,
// with their messages, and answers where an untagged frame entering a port may leave.
// What it leaves out: tagged frames, STP, learning/flooding details, multicast, tunnels.

interface VlanEntry {
  pvid: boolean;
  untagged: boolean;
}

interface Link {
  kind: 'bridge' | 'veth';
  up: boolean;
  master?: string;
  vlanFiltering: boolean;
  /** A new port's VLAN (PVID, untagged); 0: none (vlan_default_pvid). */
  defaultPvid: number;
  stp: boolean;
  forwardDelayCs: number;
  vlans: Map<number, VlanEntry>;
}

export class RefusedCommand extends Error {}

const refuse = (message: string): never => {
  throw new RefusedCommand(message);
};

export class BridgeModel {
  readonly links = new Map<string, Link>();
  /** Every command run, in order (what a real node would have run). */
  readonly log: string[] = [];

  constructor(
    ports: readonly string[],
    private readonly kernel: { vlanFiltering: boolean } = { vlanFiltering: true },
  ) {
    for (const p of ports) this.links.set(p, this.newLink('veth'));
  }

  private newLink(kind: Link['kind']): Link {
    return { kind, up: false, vlanFiltering: false, defaultPvid: 1, stp: false, forwardDelayCs: 1500, vlans: new Map() };
  }

  private dev(name: string | undefined): Link {
    const link = name === undefined ? undefined : this.links.get(name);
    return link ?? refuse(`Cannot find device "${name ?? ''}"`);
  }

  private bridgeOptions(link: Link, words: string[]): void {
    for (let i = 0; i < words.length; i += 2) {
      const [key, value] = [words[i], words[i + 1]];
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n)) refuse(`Error: argument "${value ?? ''}" is wrong: invalid ${key}`);
      if (key === 'vlan_filtering') {
        if (!this.kernel.vlanFiltering && n === 1) refuse('RTNETLINK answers: Operation not supported');
        link.vlanFiltering = n === 1;
      } else if (key === 'vlan_default_pvid') {
        if (n < 0 || n > 4094) refuse('RTNETLINK answers: Numerical result out of range');
        link.defaultPvid = n;
      } else if (key === 'stp_state') link.stp = n !== 0;
      else if (key === 'forward_delay') {
        // br_set_forward_delay: 2..30 s only while STP runs.
        if (link.stp && (n < 200 || n > 3000)) refuse('RTNETLINK answers: Numerical result out of range');
        link.forwardDelayCs = n;
      } else refuse(`Error: argument "${key ?? ''}" is wrong: unknown bridge option`);
    }
  }

  private ipLink(words: string[]): void {
    const [verb, name, ...rest] = words;
    if (verb === 'add') {
      if (rest[0] !== 'type' || rest[1] !== 'bridge') refuse(`model: only bridges are added here, not ${rest.join(' ')}`);
      if (this.links.has(name!)) refuse('RTNETLINK answers: File exists');
      const link = this.newLink('bridge');
      this.bridgeOptions(link, rest.slice(2));
      // A VLAN-filtering bridge's own (self) entry gets the default PVID.
      if (link.defaultPvid) link.vlans.set(link.defaultPvid, { pvid: true, untagged: true });
      this.links.set(name!, link);
      return;
    }
    if (verb !== 'set') refuse(`model: ip link ${verb ?? ''} is not modelled`);
    const link = this.dev(name);
    if (rest[0] === 'up') return void (link.up = true);
    if (rest[0] === 'type') {
      if (rest[1] !== 'bridge' || link.kind !== 'bridge') refuse('RTNETLINK answers: Operation not supported');
      return this.bridgeOptions(link, rest.slice(2));
    }
    if (rest[0] === 'master') {
      const master = this.dev(rest[1]);
      if (master.kind !== 'bridge' || rest[1] === name) refuse('RTNETLINK answers: Operation not supported');
      if (link.kind === 'bridge') refuse('RTNETLINK answers: Too many levels of symbolic links');
      if (link.master !== rest[1]) {
        // Leaving a bridge drops the port's VLANs; joining one gives it the default PVID.
        link.vlans = new Map(master.defaultPvid ? [[master.defaultPvid, { pvid: true, untagged: true }]] : []);
      }
      link.master = rest[1];
      return;
    }
    refuse(`model: ip link set ${rest.join(' ')} is not modelled`);
  }

  private bridgeVlan(words: string[]): void {
    const [verb, ...rest] = words;
    if (verb !== 'add' && verb !== 'del') refuse(`model: bridge vlan ${verb ?? ''} is not modelled`);
    let dev: string | undefined;
    let vid: number | undefined;
    const flags = new Set<string>();
    for (let i = 0; i < rest.length; i++) {
      const w = rest[i]!;
      if (w === 'dev') dev = rest[++i];
      else if (w === 'vid') {
        vid = Number(rest[++i]);
        if (!Number.isInteger(vid) || vid < 1 || vid > 4094) refuse(`Invalid VLAN ID "${rest[i] ?? ''}"`);
      } else if (['pvid', 'untagged', 'self', 'master'].includes(w)) flags.add(w);
      else refuse(`Command line is not complete. Try again.`);
    }
    if (dev === undefined || vid === undefined) refuse('Device and VLAN ID are required arguments.');
    const link = this.dev(dev);
    const isSelf = flags.has('self');
    if (isSelf ? link.kind !== 'bridge' : link.master === undefined) refuse('RTNETLINK answers: Operation not supported');
    if (verb === 'del') {
      if (!link.vlans.delete(vid!)) refuse('RTNETLINK answers: No such file or directory');
      return;
    }
    // One PVID per port: naming a new one takes it from the old.
    if (flags.has('pvid')) for (const e of link.vlans.values()) e.pvid = false;
    link.vlans.set(vid!, { pvid: flags.has('pvid'), untagged: flags.has('untagged') });
  }

  /** Runs one `ip …` or `bridge …` command line; throws RefusedCommand as the tool would fail. */
  run(command: string): void {
    this.log.push(command);
    const [tool, object, ...words] = command.split(' ');
    if (tool === 'ip' && object === 'link') return this.ipLink(words);
    if (tool === 'bridge' && object === 'vlan') return this.bridgeVlan(words);
    refuse(`model: ${command} is not modelled`);
  }

  /** The VLAN an untagged frame entering `port` is classified into, or undefined when it is dropped (or does not enter). */
  private ingress(port: Link): number | 'plain' | undefined {
    const bridge = port.master === undefined ? undefined : this.links.get(port.master);
    if (!bridge?.up || !port.up) return undefined;
    if (!bridge.vlanFiltering) return 'plain';
    return [...port.vlans].find(([, e]) => e.pvid)?.[0];
  }

  /** The ports an untagged frame (a broadcast) entering `from` leaves by, untagged. */
  reach(from: string): string[] {
    const port = this.dev(from);
    const vlan = this.ingress(port);
    if (vlan === undefined) return [];
    return [...this.links]
      .filter(([name, l]) => name !== from && l.kind !== 'bridge' && l.up && l.master === port.master)
      .filter(([, l]) => vlan === 'plain' || l.vlans.get(vlan)?.untagged === true)
      .map(([name]) => name)
      .sort();
  }

  /** `bridge -j vlan show` as iproute2 prints it (ports and bridges with VLANs). */
  vlanShowJson(): string {
    return JSON.stringify(
      [...this.links]
        .filter(([, l]) => l.vlans.size > 0 && (l.kind === 'bridge' || l.master !== undefined))
        .map(([ifname, l]) => ({
          ifname,
          vlans: [...l.vlans].map(([vlan, e]) => ({
            vlan,
            ...(e.pvid || e.untagged ? { flags: [...(e.pvid ? ['PVID'] : []), ...(e.untagged ? ['Egress Untagged'] : [])] } : {}),
          })),
        })),
    );
  }
}
