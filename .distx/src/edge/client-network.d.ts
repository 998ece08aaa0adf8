export declare function clientNetwork(ip: string, ipv6PrefixLength: number): string;
