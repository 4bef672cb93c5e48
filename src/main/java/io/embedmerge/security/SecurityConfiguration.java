package io.embedmerge.security;

import io.embedmerge.web.CorsProperties;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The request filter chain: an OAuth2 resource server whose bearer tokens are JWTs of the configured issuer or
 * static API keys, and the scope each endpoint needs. In the open mode the same chain permits everything.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SecurityProperties.class, TenantQuotaProperties.class})
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final String READ = Scopes.authority(Scopes.JOBS_READ);
    private static final String WRITE = Scopes.authority(Scopes.JOBS_WRITE);
    private static final String ADMIN = Scopes.authority(Scopes.ADMIN);

    @Bean
    SecurityMode securityMode(SecurityProperties properties, @Value("${server.address:#{null}}") String address) {
        SecurityMode mode = SecurityMode.of(properties, address);
        if (mode.authenticated()) {
            log.info("Security: {}", mode.description());
        } else {
            log.warn("Security: {}", mode.description());
        }
        return mode;
    }

    /**
     * No Spring Security observations: with any, every security filter of every request runs inside an observation
     * (a fifth of a job GET's CPU in a profile); {@code http.server.requests} still times each request.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain apiSecurity(
            HttpSecurity http, SecurityMode mode, SecurityProperties properties, AuditLog audit, CorsProperties cors)
            throws Exception {
        // With no allowed origins there is no CORS to answer, and the filter would look up each request's handler
        // (its CORS settings) a second time: 7% of a job GET's CPU.
        http.cors(cors.allowedOrigins().isEmpty() ? AbstractHttpConfigurer::disable : Customizer.withDefaults());
        http.csrf(AbstractHttpConfigurer::disable) // no cookies or sessions: nothing a cross-site page could ride on
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
        if (!mode.authenticated()) {
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
        }
        ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(audit);
        AuthenticationManager manager = authenticationManager(properties);
        http.oauth2ResourceServer(o -> o.bearerTokenResolver(new ApiKeyOrBearerTokenResolver())
                        .authenticationManagerResolver(request -> manager)
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(new ProblemAccessDeniedHandler(audit)))
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(new ProblemAccessDeniedHandler(audit)))
                .authorizeHttpRequests(a -> a.requestMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .requestMatchers("/actuator/info", "/actuator/prometheus")
                        .hasAuthority(ADMIN)
                        .requestMatchers("/actuator/**")
                        .denyAll()
                        .requestMatchers(
                                "/swagger-ui.html",
                                "/swagger-ui/**",
                                "/v3/api-docs",
                                "/v3/api-docs/**",
                                "/v3/api-docs.yaml",
                                "/error")
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, "/v1/jobs", "/v1/jobs/*/cancel")
                        .hasAnyAuthority(WRITE, ADMIN)
                        .requestMatchers(HttpMethod.POST, "/v1/webhooks", "/v1/webhooks/*/rotate")
                        .hasAnyAuthority(WRITE, ADMIN)
                        .requestMatchers(HttpMethod.DELETE, "/v1/webhooks/*")
                        .hasAnyAuthority(WRITE, ADMIN)
                        .requestMatchers(HttpMethod.GET, "/v1/**")
                        .hasAnyAuthority(READ, WRITE, ADMIN)
                        .anyRequest()
                        .authenticated());
        return http.build();
    }

    /** API keys first, then JWTs (a JWT-shaped token goes straight to the latter). */
    private static AuthenticationManager authenticationManager(SecurityProperties properties) {
        List<AuthenticationProvider> providers = new ArrayList<>();
        ApiKeys keys = new ApiKeys(properties.apiKeys());
        boolean jwt = properties.jwt().configured();
        if (!keys.isEmpty()) {
            providers.add(new ApiKeyAuthenticationProvider(keys, jwt));
        }
        if (jwt) {
            JwtAuthenticationProvider provider = new JwtAuthenticationProvider(JwtDecoders.of(properties.jwt()));
            provider.setJwtAuthenticationConverter(new TenantJwtConverter(
                    properties.jwt().ownerClaim(), properties.jwt().tenantClaim()));
            providers.add(provider);
        }
        return new ProviderManager(providers);
    }
}
