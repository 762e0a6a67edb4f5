// The management network: defaults filled in and addresses checked, so that Docker never gets a
// subnet or gateway it would refuse halfway through a deploy.
import { TopologyError } from '../common/errors.js';
import { DEFAULT_MGMT_NETWORK, DEFAULT_MGMT_SUBNET, type MgmtSpec } from './types.js';
import { hostAddressProblem, parseIpv4, parseSubnet, type Ipv4Subnet } from './ipv4.js';
import { interfaceNameProblem } from './names.js';
import type { TopologyFile } from './schema.js';
import type { YamlSource } from '../common/yaml-source.js';

export interface ResolvedMgmt {
  spec: MgmtSpec;
  subnet: Ipv4Subnet;
  /** The gateway address: `ipv4-gw`, or the first host address, which Docker takes by default. */
  gateway: number;
  gatewayIsDefault: boolean;
}

export const resolveMgmt = (mgmt: TopologyFile['mgmt'], source: YamlSource): ResolvedMgmt => {
  const subnetText = mgmt['ipv4-subnet'] ?? DEFAULT_MGMT_SUBNET;
  const subnet = parseSubnet(subnetText);
  if (typeof subnet === 'string') throw new TopologyError(source.positionOf(['mgmt', 'ipv4-subnet']), `ipv4-subnet: ${subnet}`);

  const gatewayText = mgmt['ipv4-gw'];
  // The schema has checked the syntax, so parseIpv4 only returns undefined when the key is absent.
  const gateway = gatewayText === undefined ? undefined : parseIpv4(gatewayText);
  if (gateway !== undefined) {
    const problem = hostAddressProblem(gateway, subnet, subnetText);
    if (problem !== undefined) throw new TopologyError(source.positionOf(['mgmt', 'ipv4-gw']), `ipv4-gw ${gatewayText} ${problem}`);
  }

  const bridge = mgmt.bridge;
  const bridgeProblem = bridge === undefined ? undefined : interfaceNameProblem(bridge);
  if (bridgeProblem !== undefined) throw new TopologyError(source.positionOf(['mgmt', 'bridge']), `mgmt bridge: ${bridgeProblem}`);

  const spec: MgmtSpec = {
    network: mgmt.network ?? DEFAULT_MGMT_NETWORK,
    ipv4Subnet: subnetText,
    ...(gatewayText === undefined ? {} : { ipv4Gateway: gatewayText }),
    ...(bridge === undefined ? {} : { bridge }),
  };
  return { spec, subnet, gateway: gateway ?? subnet.network + 1, gatewayIsDefault: gateway === undefined };
};
