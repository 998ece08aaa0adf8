// Which network a caller's limits count against. An IPv6 client is usually handed a whole /64
// (often far more), so keying per address would let one client rotate past every per-client
// cap: IPv6 addresses are keyed by their prefix (CLIENT_IPV6_PREFIX_LENGTH, default 64),
// IPv4 ones (IPv4-mapped IPv6 included) per address.
import ipaddr from 'ipaddr.js';
export function clientNetwork(ip, ipv6PrefixLength) {
    if (!ipaddr.isValid(ip))
        return ip; // not an address (a test double, a unix socket): as it is
    const address = ipaddr.process(ip); // ::ffff:203.0.113.7 becomes 203.0.113.7
    if (address.kind() === 'ipv4')
        return address.toString();
    return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${ipv6PrefixLength}`).toString()}/${ipv6PrefixLength}`;
}
//# sourceMappingURL=client-network.js.map