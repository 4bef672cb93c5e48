package io.embedmerge.storage;

import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where checkpoints may be read and written. Every {@code file:} URI must resolve (after symlinks) inside one of
 * {@code localRoots}; every {@code s3:} URI must lie under one of {@code s3.roots}.
 */
@ConfigurationProperties("merge.storage")
public record StorageProperties(
        @DefaultValue("./data") List<String> localRoots,
        @DefaultValue("file:./data/outputs") String defaultOutput,
        @DefaultValue("./data/cache") String cacheDir,
        @DefaultValue S3Settings s3) {

    public record S3Settings(
            @DefaultValue("false") boolean enabled,
            URI endpoint,
            @DefaultValue("us-east-1") String region,
            @DefaultValue("true") boolean pathStyle,
            String accessKey,
            String secretKey,
            @DefaultValue List<String> roots,
            @DefaultValue("16777216") int partBytes) {

        /** Never prints the credentials. */
        @Override
        public String toString() {
            return "S3Settings[enabled=" + enabled + ", endpoint=" + endpoint + ", region=" + region
                    + ", pathStyle=" + pathStyle + ", accessKey=" + (accessKey == null ? "none" : "****")
                    + ", secretKey=" + (secretKey == null ? "none" : "****") + ", roots=" + roots + "]";
        }
    }
}
