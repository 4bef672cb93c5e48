package io.embedmerge.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whether callers authenticate. Without any authentication configured the service runs open, but only while it
 * listens on a loopback address (the default {@code server.address: 127.0.0.1}); open on any other address needs an
 * explicit {@code merge.security.mode: none}.
 */
record SecurityMode(boolean authenticated, String description) {

    static SecurityMode of(SecurityProperties properties, String serverAddress) {
        if (properties.authenticationConfigured()) {
            return new SecurityMode(
                    true,
                    "authentication required ("
                            + (properties.jwt().configured() ? "JWT" : "")
                            + (properties.jwt().configured()
                                            && !properties.apiKeys().isEmpty()
                                    ? " and "
                                    : "")
                            + (properties.apiKeys().isEmpty()
                                    ? ""
                                    : properties.apiKeys().size() + " API keys") + ")");
        }
        if (properties.mode() == SecurityProperties.Mode.NONE) {
            return new SecurityMode(
                    false,
                    "OPEN: merge.security.mode=none, every caller is an administrator on "
                            + (serverAddress == null ? "all interfaces" : serverAddress));
        }
        if (!isLoopback(serverAddress)) {
            throw new IllegalStateException("No authentication is configured (merge.security.jwt.issuer-uri, "
                    + ".jwk-set-uri or .api-keys) and server.address is "
                    + (serverAddress == null || serverAddress.isBlank() ? "unset (all interfaces)" : serverAddress)
                    + ". Refusing to serve every job and checkpoint to the network: configure authentication, listen "
                    + "on 127.0.0.1, or set merge.security.mode=none explicitly.");
        }
        return new SecurityMode(
                false,
                "OPEN to local callers only: no authentication configured, listening on " + serverAddress
                        + "; every caller is an administrator");
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
