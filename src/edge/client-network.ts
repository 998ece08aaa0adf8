// Which network a caller's limits count against. An IPv6 client is usually handed a whole /64
// (often far more), so keying per address would let one client rotate past every per-client
// cap: IPv6 addresses are keyed by their prefix (CLIENT_IPV6_PREFIX_LENGTH, default 64),
// IPv4 ones (IPv4-mapped IPv6 included) per address.
//
// Some load balancers write the forwarded client with its source port (`203.0.113.7:4711`,
// `[2001:db8::1]:4711`); every port would then be a client of its own, and the per-client caps
// gone. The port is dropped: the address is the client.
import ipaddr from 'ipaddr.js';

/** The prefix every IPv6 caller is also counted under: a site, what one customer is usually given. */
export const IPV6_SITE_PREFIX = 48;

const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
const BRACKETED_IPV6 = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/;

/** The caller's address without a port a forwarding header may have added. */
export function clientAddress(ip: string): string {
  return IPV4_WITH_PORT.exec(ip)?.[1] ?? BRACKETED_IPV6.exec(ip)?.[1] ?? ip;
}

export function clientNetwork(raw: string, ipv6PrefixLength: number): string {
  const ip = clientAddress(raw);
  if (!ipaddr.isValid(ip)) return ip; // not an address (a test double, a unix socket): as it is
  const address = ipaddr.process(ip); // ::ffff:203.0.113.7 becomes 203.0.113.7
  if (address.kind() === 'ipv4') return address.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${ipv6PrefixLength}`).toString()}/${ipv6PrefixLength}`;
}

/** The /48 an IPv6 caller is in, when it is wider than the caller's own network; null for IPv4. */
export function clientSite(raw: string, ipv6PrefixLength: number): string | null {
  const ip = clientAddress(raw);
  if (ipv6PrefixLength <= IPV6_SITE_PREFIX || !ipaddr.isValid(ip) || ipaddr.process(ip).kind() === 'ipv4') return null;
  return clientNetwork(ip, IPV6_SITE_PREFIX);
}
