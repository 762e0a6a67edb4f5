// Naming rules the kernel and Docker enforce, checked up front so the error can point at the file.

export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const LAB_NAME = /^[A-Za-z0-9_.-]+$/;
/** Docker's own container name rule. */
export const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Container names double as hostnames, whose labels are at most 63 characters. */
export const MAX_CONTAINER_NAME = 63;
/** IFNAMSIZ (16) minus the terminating NUL. */
export const MAX_INTERFACE_NAME = 15;

const RESERVED_INTERFACES: Readonly<Record<string, string>> = {
  eth0: 'eth0 is the management interface',
  lo: 'lo is the loopback interface',
};

/** Why the kernel would refuse (or we reserve) `name` as an interface name, or undefined. */
export const interfaceNameProblem = (name: string): string | undefined => {
  if (name.length === 0) return 'the interface name is empty';
  if (name.length > MAX_INTERFACE_NAME) {
    return `interface name '${name}' is ${name.length} characters long; Linux allows at most ${MAX_INTERFACE_NAME}`;
  }
  if (/[/:\s]/.test(name)) return `interface name '${name}' contains '/', ':' or whitespace, which Linux does not allow`;
  if (name === '.' || name === '..') return `interface name '${name}' is not allowed by Linux`;
  const reserved = RESERVED_INTERFACES[name];
  if (reserved !== undefined) return `interface name '${name}' cannot be used for a link: ${reserved}`;
  return undefined;
};
