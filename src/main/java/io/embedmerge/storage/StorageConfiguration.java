package io.embedmerge.storage;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({StorageProperties.class, TenantStorageProperties.class})
class StorageConfiguration {

    @Bean
    ObjectStorage objectStorage(
            StorageProperties properties,
            TenantStorageProperties tenantProperties,
            DigestCache digests,
            @Value("${merge.embedded-db.dir:./data/pg}") String embeddedDatabaseDir) {
        List<Path> reserved = List.of(Path.of(embeddedDatabaseDir));
        Map<String, TenantStorageProperties.TenantRoots> configured = new LinkedHashMap<>();
        tenantProperties.tenants().forEach((name, roots) -> {
            if (!roots.isEmpty()) {
                configured.put(name, roots);
            }
        });
        StorageUris.Roots allTenants = new StorageUris.Roots(
                configured.values().stream()
                        .flatMap(r -> r.localRoots().stream())
                        .toList(),
                configured.values().stream().flatMap(r -> r.s3Roots().stream()).toList());
        ObjectStorage.Scope shared = new ObjectStorage.Scope(
                new StorageUris(
                        new StorageUris.Roots(
                                properties.localRoots(), properties.s3().roots()),
                        allTenants,
                        properties,
                        reserved),
                properties.defaultOutput());
        Map<String, ObjectStorage.Scope> tenants = new LinkedHashMap<>();
        configured.forEach((name, roots) -> {
            StorageUris.Roots others = new StorageUris.Roots(
                    configured.entrySet().stream()
                            .filter(e -> !e.getKey().equals(name))
                            .flatMap(e -> e.getValue().localRoots().stream())
                            .toList(),
                    configured.entrySet().stream()
                            .filter(e -> !e.getKey().equals(name))
                            .flatMap(e -> e.getValue().s3Roots().stream())
                            .toList());
            tenants.put(
                    name,
                    new ObjectStorage.Scope(
                            new StorageUris(
                                    new StorageUris.Roots(roots.localRoots(), roots.s3Roots()),
                                    others,
                                    properties,
                                    reserved),
                            roots.defaultOutputOrFirstRoot()));
        });
        StorageProperties.S3Settings s3 = properties.s3();
        ObjectStore s3Store = s3.enabled()
                ? new S3ObjectStore(s3Client(s3), Path.of(properties.cacheDir()).toAbsolutePath(), s3.partBytes())
                : null;
        return new ObjectStorage(shared, tenants, new LocalObjectStore(digests::remember), s3Store);
    }

    static S3Client s3Client(StorageProperties.S3Settings s3) {
        S3ClientBuilder builder =
                S3Client.builder().region(Region.of(s3.region())).forcePathStyle(s3.pathStyle());
        if (s3.endpoint() != null) {
            builder.endpointOverride(s3.endpoint());
        }
        if (s3.accessKey() != null && s3.secretKey() != null) {
            builder.credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder.build();
    }
}
