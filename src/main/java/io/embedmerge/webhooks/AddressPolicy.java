package io.embedmerge.webhooks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which resolved addresses a webhook may connect to: public unicast only, unless a range is allowlisted. Refused:
 * unspecified, loopback, link-local (with the cloud metadata address 169.254.169.254), private (10/8, 172.16/12,
 * 192.168/16, fc00::/7), CGNAT (100.64/10), multicast, and IPv6 forms that embed such an IPv4 address.
 */
final class AddressPolicy {

    private static final List<Cidr> REFUSED = List.of(
            Cidr.parse("0.0.0.0/8"),
            Cidr.parse("100.64.0.0/10"),
            Cidr.parse("192.0.0.0/24"),
            Cidr.parse("198.18.0.0/15"),
            Cidr.parse("240.0.0.0/4"),
            Cidr.parse("fc00::/7"),
            Cidr.parse("64:ff9b::/96"));

    private final List<Cidr> allowed;

    AddressPolicy(List<String> allowedNetworks) {
        this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
    }

    boolean permits(InetAddress address) {
        if (allowed.stream().anyMatch(c -> c.contains(address))) {
            return true;
        }
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != null) {
            return permits(embedded);
        }
        return !(address.isAnyLocalAddress()
                || address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()
                || REFUSED.stream().anyMatch(c -> c.contains(address)));
    }

    /** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 address, else null. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
        if (!mapped && !nat64) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
