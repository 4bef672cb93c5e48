package io.embedmerge.web;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cross-origin access: off unless origins are listed.
 *
 * @param allowedOrigins origins (scheme://host[:port]) whose browser pages may call the API; default none; {@code *} allows any
 */
@ConfigurationProperties("merge.cors")
public record CorsProperties(@DefaultValue List<String> allowedOrigins) {

    public boolean allows(String origin) {
        return allowedOrigins.contains(origin) || allowedOrigins.contains("*");
    }
}
