// Interfaces without a MAC in the file get one derived from (lab, node, interface), under
// containerlab's aa:c1:ab OUI, so a lab redeployed from the same file has the same MACs and
// captures from two runs line up.
import { createHash } from 'node:crypto';

export const derivedMac = (lab: string, node: string, iface: string): string => {
  const digest = createHash('sha256').update(`${lab}\0${node}\0${iface}`).digest();
  const tail = [...digest.subarray(0, 3)].map((b) => b.toString(16).padStart(2, '0'));
  return ['aa', 'c1', 'ab', ...tail].join(':');
};
