import { isIPv4, isIPv6 } from "node:net";

/** Why a CIDR block is not acceptable, or undefined when it is. */
export type CidrProblem =
  | { readonly kind: "syntax" }
  | { readonly kind: "prefix"; readonly maxPrefix: number }
  | { readonly kind: "host-bits"; readonly network: string };

/**
 * Checks an IPv4 or IPv6 CIDR block (`10.20.0.0/16`, `fd00::/8`). Host bits must be zero: a block
 * written with an address inside it (`10.20.1.5/16`) is almost always a typo for a narrower rule,
 * and Kubernetes would silently widen it to the whole network.
 */
export function cidrProblem(cidr: string): CidrProblem | undefined {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr);
  if (!match) {
    return { kind: "syntax" };
  }
  const [, address = "", prefixText = ""] = match;
  const version = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (version === undefined) {
    return { kind: "syntax" };
  }
  const bits = version === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (prefix > bits) {
    return { kind: "prefix", maxPrefix: bits };
  }
  const value = version === 4 ? ipv4Value(address) : ipv6Value(address);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((value & hostMask) !== 0n) {
    const network = value & ~hostMask & ((1n << BigInt(bits)) - 1n);
    return { kind: "host-bits", network: `${version === 4 ? ipv4Text(network) : ipv6Text(network)}/${prefix}` };
  }
  return undefined;
}

function ipv4Value(address: string): bigint {
  return address.split(".").reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
}

function ipv6Value(address: string): bigint {
  // An embedded IPv4 tail (`::ffff:10.0.0.1`) stands for the last two groups.
  const withoutIpv4Tail = address.replace(/(\d+\.\d+\.\d+\.\d+)$/, (ipv4) => {
    const value = ipv4Value(ipv4);
    return `${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  });
  const [head = "", tail] = withoutIpv4Tail.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function ipv6Text(value: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  // Plain, uncompressed form: unambiguous in a message, and Kubernetes accepts it.
  return groups.join(":");
}
