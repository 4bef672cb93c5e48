package io.embedmerge.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** SSRF probes are refused before any connection is made; nothing here connects to a non-loopback address. */
class AddressGuardTest {

    private static WebhookProperties properties(List<String> httpHosts, List<String> networks) {
        return new WebhookProperties(
                true,
                httpHosts,
                networks,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                List.of(Duration.ofMillis(100)),
                0.2,
                Duration.ofMillis(50),
                10,
                20);
    }

    @Test
    void internalAddressesAreRefusedUnlessAllowlisted() throws Exception {
        AddressPolicy strict = new AddressPolicy(List.of());
        for (String internal : List.of(
                "127.0.0.1",
                "::1",
                "169.254.169.254",
                "10.0.0.1",
                "172.16.5.4",
                "192.168.1.1",
                "100.64.0.1",
                "0.0.0.0",
                "fd00::1",
                "fe80::1",
                "::ffff:127.0.0.1",
                "::ffff:10.0.0.1")) {
            assertThat(strict.permits(InetAddress.getByName(internal)))
                    .as(internal)
                    .isFalse();
        }
        for (String external : List.of("93.184.216.34", "8.8.8.8", "2606:4700::1111")) {
            assertThat(strict.permits(InetAddress.getByName(external)))
                    .as(external)
                    .isTrue();
        }
        AddressPolicy allowing = new AddressPolicy(List.of("127.0.0.0/8", "10.1.0.0/16"));
        assertThat(allowing.permits(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(allowing.permits(InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(allowing.permits(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(allowing.permits(InetAddress.getByName("169.254.169.254"))).isFalse();
    }

    @Test
    void probesAreRefusedWithoutAConnection() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AtomicInteger accepted = new AtomicInteger();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        listener.accept().close();
                        accepted.incrementAndGet();
                    }
                } catch (Exception ignored) {
                    // closed
                }
            });
            int port = listener.getLocalPort();
            // http allowed for these hosts, so that only the address check stands in the way
            try (WebhookSender sender = new WebhookSender(
                    properties(List.of("127.0.0.1", "localhost", "169.254.169.254", "10.0.0.1", "[::1]"), List.of()),
                    Clock.systemUTC())) {
                for (String url : List.of(
                        "http://127.0.0.1:" + port + "/hook",
                        "http://localhost:" + port + "/hook",
                        "http://[::1]:" + port + "/hook",
                        "http://169.254.169.254/latest/meta-data/",
                        "http://10.0.0.1/hook")) {
                    DeliveryAttempt attempt = sender.send(url, "msg_1", SigningSecret.generate(), "{}");
                    assertThat(attempt.statusCode()).as(url).isNull();
                    assertThat(attempt.error()).as(url).contains("refused");
                    assertThat(attempt.latencyMillis()).as(url).isLessThan(1000);
                }
            }
            Thread.sleep(100);
            assertThat(accepted).hasValue(0);
        }
    }

    @Test
    void redirectsAreNotFollowed() {
        try (ReceiverSupport target = new ReceiverSupport(id -> 200);
                ReceiverSupport redirecting = new ReceiverSupport(id -> 302);
                WebhookSender sender = new WebhookSender(
                        properties(List.of("127.0.0.1"), List.of("127.0.0.0/8")), Clock.systemUTC())) {
            // the receiver's Location points elsewhere; nothing may follow it
            DeliveryAttempt attempt = sender.send(redirecting.url("/hook"), "msg_2", SigningSecret.generate(), "{}");
            assertThat(attempt.statusCode()).isEqualTo(302);
            assertThat(attempt.succeeded()).isFalse();
            assertThat(redirecting.hits).hasValue(1);
            assertThat(target.hits).hasValue(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void urlFormAndSchemeAreCheckedAtRegistration() {
        UrlPolicy urls = new UrlPolicy(properties(List.of("127.0.0.1"), List.of()));
        assertThat(urls.problem("https://ci.example.com/hook")).isEmpty();
        assertThat(urls.problem("http://127.0.0.1:8080/hook")).isEmpty();
        assertThat(urls.problem("http://ci.example.com/hook")).get().asString().contains("https");
        assertThat(urls.problem("ftp://ci.example.com/hook")).isPresent();
        assertThat(urls.problem("https://user:pw@ci.example.com/hook")).isPresent();
        assertThat(urls.problem("/relative")).isPresent();
        assertThat(urls.problem("https://")).isPresent();
    }
}
