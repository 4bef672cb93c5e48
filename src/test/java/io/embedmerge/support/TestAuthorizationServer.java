package io.embedmerge.support;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real OAuth2 authorization server (Spring Authorization Server) in its own small Spring context on a random
 * port, with no auto-configuration: only its filter chain, an RSA key and the test clients. Clients get tokens by
 * the client-credentials grant; each client's tenant, audience and expiry are part of its registration.
 */
public final class TestAuthorizationServer implements AutoCloseable {

    public static final String AUDIENCE = "embed-merge";

    /** Secrets must differ between clients (the repository refuses duplicates). */
    static String secret(String clientId) {
        return "secret-of-" + clientId;
    }

    /** A test client: id, tenant claim, audience and whether its tokens are born expired. */
    public record Client(String id, String tenant, String audience, boolean expired, String... scopes) {}

    public static final List<Client> CLIENTS = List.of(
            new Client("team-a-writer", "team-a", AUDIENCE, false, "jobs:read", "jobs:write"),
            new Client("team-a-reader", "team-a", AUDIENCE, false, "jobs:read"),
            new Client("team-b-writer", "team-b", AUDIENCE, false, "jobs:read", "jobs:write"),
            new Client("operator", "ops", AUDIENCE, false, "jobs:read", "jobs:write", "admin"),
            new Client("team-a-expired", "team-a", AUDIENCE, true, "jobs:read"),
            new Client("team-a-other-audience", "team-a", "another-service", false, "jobs:read"));

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ConfigurableApplicationContext context;
    private final String issuer;

    private TestAuthorizationServer(ConfigurableApplicationContext context, String issuer) {
        this.context = context;
        this.issuer = issuer;
    }

    public static TestAuthorizationServer start() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Config.class)
                .web(WebApplicationType.SERVLET)
                .properties("spring.main.banner-mode=off", "spring.config.location=optional:classpath:/none/")
                .run();
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new TestAuthorizationServer(context, "http://127.0.0.1:" + port);
    }

    public String issuer() {
        return issuer;
    }

    /** An access token of the client (client-credentials grant, every scope of its registration). */
    public String token(String clientId) {
        Client client = CLIENTS.stream()
                .filter(c -> c.id().equals(clientId))
                .findFirst()
                .orElseThrow();
        String basic = Base64.getEncoder()
                .encodeToString((clientId + ":" + secret(clientId)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&scope=" + String.join("%20", client.scopes())))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "token request of " + clientId + ": " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body()).path("access_token").asString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }

    /** Excluded from the service's component scan (a test configuration), started only through {@link #start}. */
    @TestConfiguration(proxyBeanMethods = false)
    @EnableWebSecurity
    static class Config {

        @Bean
        TomcatServletWebServerFactory webServerFactory() {
            TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
            factory.setAddress(java.net.InetAddress.getLoopbackAddress());
            // Tomcat runs filters only for requests mapped to a servlet; the endpoints are all filters
            factory.getSettings().setRegisterDefaultServlet(true);
            return factory;
        }

        @Bean
        SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
            return http.oauth2AuthorizationServer(Customizer.withDefaults())
                    .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .csrf(c -> c.disable())
                    .build();
        }

        @Bean
        RegisteredClientRepository clients() {
            List<RegisteredClient> registered = new ArrayList<>();
            for (Client client : CLIENTS) {
                registered.add(RegisteredClient.withId(UUID.randomUUID().toString())
                        .clientId(client.id())
                        .clientSecret("{noop}" + secret(client.id()))
                        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                        .scopes(s -> s.addAll(List.of(client.scopes())))
                        .clientSettings(ClientSettings.builder()
                                .setting("tenant", client.tenant())
                                .setting("audience", client.audience())
                                .setting("expired", client.expired())
                                .build())
                        .build());
            }
            return new InMemoryRegisteredClientRepository(registered);
        }

        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> tenantClaims() {
            return context -> {
                ClientSettings settings = context.getRegisteredClient().getClientSettings();
                context.getClaims()
                        .claim("tenant", settings.<String>getSetting("tenant"))
                        .audience(List.of(settings.<String>getSetting("audience")));
                if (Boolean.TRUE.equals(settings.getSetting("expired"))) {
                    Instant past = Instant.now().minus(Duration.ofHours(2));
                    context.getClaims().issuedAt(past).notBefore(past).expiresAt(past.plus(Duration.ofMinutes(5)));
                }
            };
        }

        @Bean
        JWKSource<SecurityContext> keys() throws NoSuchAlgorithmException {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var pair = generator.generateKeyPair();
            RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                    .privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString())
                    .build();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        @Bean
        AuthorizationServerSettings settings() {
            // no fixed issuer: it is taken from each request's host and port, i.e. http://127.0.0.1:<port>
            return AuthorizationServerSettings.builder().build();
        }
    }
}
