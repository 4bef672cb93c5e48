package io.embedmerge.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * The SSRF check. HttpClient 5 asks its DnsResolver for the addresses of every new connection and then connects to
 * exactly those, while TLS still gets the URL's host name for SNI and certificate checks and the Host header stays
 * the URL's. Refusing here therefore checks the very address that would be connected to, after resolution and
 * on every delivery (connections are never reused), so a DNS name that points at 127.0.0.1 or one that changes
 * between checks (rebinding) cannot slip through. The JDK's HttpClient offers no such hook short of a JVM-wide
 * resolver.
 */
final class GuardedDnsResolver implements DnsResolver {

    private final AddressPolicy policy;

    GuardedDnsResolver(AddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
        for (InetAddress address : addresses) {
            if (!policy.permits(address)) {
                throw new RefusedAddressException(host, address);
            }
        }
        return Arrays.copyOf(addresses, addresses.length);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return host;
    }

    /** An UnknownHostException so that the client gives up on the host without trying to connect. */
    static final class RefusedAddressException extends UnknownHostException {
        RefusedAddressException(String host, InetAddress address) {
            super("refused: " + host + " resolves to " + address.getHostAddress()
                    + ", a loopback, private, link-local or otherwise internal address");
        }
    }
}
