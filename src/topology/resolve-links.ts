// Turns topology.links (brief `"a:eth1"` and extended `{node, interface, mac}` forms) into
// LinkSpecs, checking every reference and that no interface or MAC address is used twice.
import { TopologyError, type SourcePosition } from '../common/errors.js';
import type { EndpointSpec, LinkSpec, NodeSpec } from './types.js';
import { interfaceNameProblem } from './names.js';
import type { EndpointFile, LinkFile } from './schema.js';
import type { YamlPath, YamlSource } from '../common/yaml-source.js';

interface Located {
  endpoint: EndpointSpec;
  /** As the user would write it, `node:interface`. */
  text: string;
  at: { whole: SourcePosition; node: SourcePosition; iface: SourcePosition; mac: SourcePosition };
}

/** Links in file order. */
export const resolveLinks = (links: readonly LinkFile[], nodes: readonly NodeSpec[], source: YamlSource): LinkSpec[] => {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const interfaces = new Map<string, number>();
  const macs = new Map<string, Located>();
  return links.map((link, index): LinkSpec => {
    const path = ['topology', 'links', index];
    const position = source.positionOf(path);
    const [a, b] = link.endpoints.map((endpoint, i) => locate(endpoint, link.type !== undefined, [...path, 'endpoints', i], source));
    // Both always exist: the schema requires exactly two endpoints.
    if (a === undefined || b === undefined) throw new TopologyError(position, 'a link has exactly 2 endpoints');
    for (const end of [a, b]) {
      const node = byName.get(end.endpoint.node);
      if (node === undefined) {
        const known = nodes.map((n) => n.name).join(', ');
        throw new TopologyError(
          end.at.node,
          `link endpoint '${end.text}' names node '${end.endpoint.node}', which is not in topology.nodes (nodes: ${known})`,
        );
      }
      const mode = node.networkMode;
      if (mode !== undefined && mode !== 'bridge') {
        throw new TopologyError(
          end.at.node,
          `node '${node.name}' has network-mode ${mode}: its links cannot be wired; remove the link or the network-mode`,
        );
      }
      const problem = interfaceNameProblem(end.endpoint.iface);
      if (problem !== undefined) throw new TopologyError(end.at.iface, `link endpoint '${end.text}': ${problem}`);
    }
    if (a.text === b.text)
      throw new TopologyError(b.at.whole, `both endpoints of the link are ${a.text}; a link joins two different interfaces`);
    for (const end of [a, b]) {
      const line = interfaces.get(end.text);
      if (line !== undefined) throw new TopologyError(end.at.iface, `interface ${end.text} is already used by the link at line ${line}`);
      interfaces.set(end.text, position.line);
      const mac = end.endpoint.mac;
      const owner = mac === undefined ? undefined : macs.get(mac);
      if (owner !== undefined) {
        throw new TopologyError(end.at.mac, `mac ${mac} of ${end.text} is already used by ${owner.text} (line ${owner.at.mac.line})`);
      }
      if (mac !== undefined) macs.set(mac, end);
    }
    return { endpoints: [a.endpoint, b.endpoint], ...(link.mtu === undefined ? {} : { mtu: link.mtu }), position };
  });
};

const locate = (endpoint: EndpointFile, extended: boolean, path: YamlPath, source: YamlSource): Located => {
  const whole = source.positionOf(path);
  if (typeof endpoint === 'string') {
    if (extended) {
      throw new TopologyError(
        whole,
        `endpoint '${endpoint}' is a string, but a link with type takes endpoints as maps {node, interface, mac}; drop type for the brief "node:interface" form`,
      );
    }
    const colon = endpoint.indexOf(':');
    const node = endpoint.slice(0, colon);
    const iface = endpoint.slice(colon + 1);
    if (colon < 0 || node === '' || iface === '')
      throw new TopologyError(whole, `link endpoint '${endpoint}' is not "node:interface", such as "a:eth1"`);
    return { endpoint: { node, iface }, text: endpoint, at: { whole, node: whole, iface: whole, mac: whole } };
  }
  if (!extended) {
    throw new TopologyError(
      whole,
      `endpoint is a map, which needs the extended link form: add 'type: veth' to the link, or write the endpoint as "node:interface"`,
    );
  }
  const { node, interface: iface, mac } = endpoint;
  return {
    endpoint: { node, iface, ...(mac === undefined ? {} : { mac }) },
    text: `${node}:${iface}`,
    at: {
      whole,
      node: source.positionOf([...path, 'node']),
      iface: source.positionOf([...path, 'interface']),
      mac: source.positionOf([...path, 'mac']),
    },
  };
};
