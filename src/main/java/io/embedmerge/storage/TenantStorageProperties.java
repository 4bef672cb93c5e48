package io.embedmerge.storage;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Each tenant's own storage ({@code merge.tenants.<name>.local-roots}, {@code .s3-roots}, {@code .default-output}).
 * A tenant's jobs read and write only there; a tenant without roots uses the shared {@code merge.storage} roots,
 * minus every tenant's own roots.
 */
@ConfigurationProperties("merge")
public record TenantStorageProperties(@DefaultValue Map<String, TenantRoots> tenants) {

    public record TenantRoots(
            @DefaultValue List<String> localRoots,
            @DefaultValue List<String> s3Roots,
            String defaultOutput) {

        boolean isEmpty() {
            return localRoots.isEmpty() && s3Roots.isEmpty();
        }

        /** The configured default output, else {@code outputs} under the first local root, else the first S3 root. */
        String defaultOutputOrFirstRoot() {
            if (defaultOutput != null) {
                return defaultOutput;
            }
            if (!localRoots.isEmpty()) {
                return java.nio.file.Path.of(localRoots.getFirst())
                        .toAbsolutePath()
                        .normalize()
                        .resolve("outputs")
                        .toUri()
                        .toString();
            }
            String root = s3Roots.getFirst();
            return (root.endsWith("/") ? root : root + "/") + "outputs/";
        }
    }
}
