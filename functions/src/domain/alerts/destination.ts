import { isIPv4, isIPv6 } from 'node:net';

// Where a webhook may send signed audit data. A tenant admin chooses the URL, so without these
// checks the delivery worker becomes a way into the project's own network: the metadata server
// (169.254.169.254, metadata.google.internal), loopback services, private ranges. Every address a
// delivery connects to is classified here, and only public unicast addresses pass; loopback
// passes only where the policy says so (the emulators, where the receiver is a local process).

/** The kind of an IP address, by the IANA special-purpose registries (RFC 6890 and successors). */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'shared'
  | 'unspecified'
  | 'multicast'
  | 'documentation'
  | 'reserved';

/** The error kind recorded on a delivery that was refused before any connection was made. */
export const BLOCKED_DESTINATION = 'blocked_destination';

export interface DestinationPolicy {
  /** Loopback destinations (and plain http to them): only on the emulators. */
  allowLoopback: boolean;
}

interface Range {
  base: bigint;
  bits: number;
  kind: AddressClass | 'embedded';
}

function ipv4Value(ip: string): bigint {
  return ip.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6Value(ip: string): bigint {
  let text = ip;
  // A trailing dotted quad (`::ffff:1.2.3.4`) is the last two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v = ipv4Value(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const fill = rest !== undefined ? Array<string>(8 - left.length - right.length).fill('0') : [];
  return [...left, ...fill, ...right].reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

const v4 = (cidr: string, kind: AddressClass): Range => {
  const [ip, bits] = cidr.split('/');
  return { base: ipv4Value(ip!), bits: Number(bits), kind };
};
const v6 = (cidr: string, kind: Range['kind']): Range => {
  const [ip, bits] = cidr.split('/');
  return { base: ipv6Value(ip!), bits: Number(bits), kind };
};

/** IPv4 special-purpose ranges; everything else is public unicast. */
const IPV4_RANGES: Range[] = [
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link_local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

/**
 * IPv6 special-purpose ranges, most specific first. `embedded` ranges carry an IPv4 address
 * (mapped, NAT64, 6to4) and are judged by it, so `::ffff:169.254.169.254` is link-local.
 * Only global unicast (2000::/3) can be public at all.
 */
const IPV6_RANGES: Range[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('::ffff:0:0/96', 'embedded'),
  v6('64:ff9b::/96', 'embedded'),
  v6('2002::/16', 'embedded'),
  v6('2001:db8::/32', 'documentation'),
  v6('2001::/23', 'reserved'),
  v6('fc00::/7', 'private'),
  v6('fe80::/10', 'link_local'),
  v6('fec0::/10', 'private'),
  v6('ff00::/8', 'multicast'),
  v6('2000::/3', 'public'),
];

function inRange(value: bigint, width: number, range: Range): boolean {
  const shift = BigInt(width - range.bits);
  return value >> shift === range.base >> shift;
}

function classifyV4(value: bigint): AddressClass {
  const kind = IPV4_RANGES.find((r) => inRange(value, 32, r))?.kind;
  return kind === undefined || kind === 'embedded' ? 'public' : kind;
}

function embeddedV4(value: bigint, range: Range): bigint {
  // 6to4 carries the IPv4 address right after its 16-bit prefix; the others in the last 32 bits.
  return range.bits === 16 ? (value >> 80n) & 0xffffffffn : value & 0xffffffffn;
}

/** The class of an IP address, or null when `ip` is not one. Zone ids (`fe80::1%eth0`) count as link-local. */
export function classifyAddress(ip: string): AddressClass | null {
  const bare = ip.replace(/^\[|\]$/g, '');
  if (isIPv4(bare)) return classifyV4(ipv4Value(bare));
  const [address, zone] = bare.split('%');
  if (!isIPv6(address!)) return null;
  if (zone !== undefined) return 'link_local';
  const value = ipv6Value(address!);
  const range = IPV6_RANGES.find((r) => inRange(value, 128, r));
  if (!range) return 'reserved';
  return range.kind === 'embedded' ? classifyV4(embeddedV4(value, range)) : range.kind;
}

/** Whether a delivery may connect to this address. */
export function addressAllowed(ip: string, policy: DestinationPolicy): boolean {
  const kind = classifyAddress(ip);
  return kind === 'public' || (kind === 'loopback' && policy.allowLoopback);
}

/** Names that never resolve to the public internet: special-use (RFC 6761, 6762, 8375) and cloud-internal. */
const INTERNAL_SUFFIXES = [
  'localhost',
  'local',
  'internal',
  'localdomain',
  'home.arpa',
  'arpa',
  'lan',
  'intranet',
  'corp',
  'home',
  'private',
  'test',
  'invalid',
  'example',
  'onion',
];

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/**
 * What is wrong with a webhook URL, judged by its text alone, or null. Settings are checked with
 * this when saved; deliveries check the resolved addresses as well, since a public name can point
 * anywhere (and change what it points to) at any time.
 */
export function webhookUrlProblem(value: string, policy: DestinationPolicy): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  // The WHATWG parser already turned `0x7f000001` and `2130706433` into 127.0.0.1.
  const host = url.hostname.replace(/\.$/, '').toLowerCase();
  const literal = classifyAddress(host);
  const loopback = literal === 'loopback' || (literal === null && isLoopbackName(host));
  if (url.protocol === 'http:') {
    if (!loopback || !policy.allowLoopback)
      return 'must use https (plain http only to the loopback interface on the emulators)';
    return null;
  }
  if (url.protocol !== 'https:') return 'must use https';
  if (loopback) return policy.allowLoopback ? null : 'must not point at the loopback interface';
  if (literal !== null) return literal === 'public' ? null : `must not point at a ${literal.replace('_', '-')} address`;
  if (!host.includes('.')) return 'must name a fully qualified public host';
  const suffix = INTERNAL_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`));
  if (suffix) return `must not name an internal host (.${suffix})`;
  return null;
}
