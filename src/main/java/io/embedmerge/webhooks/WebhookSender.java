package io.embedmerge.webhooks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Posts one signed delivery. Redirects are not followed (a 3xx is a failed attempt), no proxy is used, connections
 * are not reused (every delivery resolves and checks its addresses anew), timeouts are short.
 */
final class WebhookSender implements AutoCloseable {

    private static final int MAX_ERROR = 500;
    private final CloseableHttpClient http;
    private final AddressPolicy policy;
    private final Clock clock;

    WebhookSender(WebhookProperties properties, Clock clock) {
        this.clock = clock;
        this.policy = new AddressPolicy(properties.allowedNetworks());
        Timeout connect = Timeout.of(properties.connectTimeout());
        Timeout read = Timeout.of(properties.readTimeout());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(policy))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect)
                                .setSocketTimeout(read)
                                .build())
                        .setDefaultSocketConfig(
                                SocketConfig.custom().setSoTimeout(read).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setResponseTimeout(read)
                        .setConnectionRequestTimeout(connect)
                        .build())
                .setConnectionReuseStrategy((request, response, context) -> false)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("embed-merge-webhooks/1")
                .build();
    }

    DeliveryAttempt send(String url, String id, String secret, String body) {
        long started = System.nanoTime();
        try {
            refuseInternalLiteral(URI.create(url).getHost());
            long timestamp = clock.instant().getEpochSecond();
            HttpPost post = new HttpPost(url);
            post.setHeader("webhook-id", id);
            post.setHeader("webhook-timestamp", Long.toString(timestamp));
            post.setHeader("webhook-signature", WebhookSignature.sign(secret, id, timestamp, body));
            post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
            int status = http.execute(post, response -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
            return new DeliveryAttempt(
                    status, status >= 300 && status < 400 ? "redirect not followed" : null, millisSince(started));
        } catch (IOException | RuntimeException e) {
            String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new DeliveryAttempt(
                    null,
                    message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) : message,
                    millisSince(started));
        }
    }

    /** Belt and braces for IP-literal URLs, which need no resolution: refused before the client is involved. */
    private void refuseInternalLiteral(String host) throws IOException {
        if (host != null && host.matches("\\[?[0-9a-fA-F:.]+]?") && host.matches(".*[:.].*")) {
            InetAddress literal = InetAddress.getByName(host.replace("[", "").replace("]", ""));
            if (!policy.permits(literal)) {
                throw new GuardedDnsResolver.RefusedAddressException(host, literal);
            }
        }
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
