package io.embedmerge.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Answers CORS (preflights included) for the configured origins only; with none, browsers get no CORS headers. */
@Configuration
class CorsConfiguration implements WebMvcConfigurer {

    private final CorsProperties cors;

    CorsConfiguration(CorsProperties cors) {
        this.cors = cors;
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        if (!cors.allowedOrigins().isEmpty()) {
            registry.addMapping("/v1/**")
                    .allowedOrigins(cors.allowedOrigins().toArray(String[]::new))
                    .allowedMethods("GET", "POST")
                    .allowedHeaders("Content-Type", "Idempotency-Key", "Last-Event-ID", "Authorization", "X-API-Key")
                    .exposedHeaders("Location");
        }
    }
}
