package io.embedmerge.storage;

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

import java.nio.file.Path;
import java.util.List;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StorageProperties.class)
class StorageConfiguration {

    @Bean
    ObjectStorage objectStorage(StorageProperties properties,
                                @Value("${merge.embedded-db.dir:./data/pg}") String embeddedDatabaseDir) {
        StorageUris uris = new StorageUris(properties, List.of(Path.of(embeddedDatabaseDir)));
        StorageProperties.S3Settings s3 = properties.s3();
        ObjectStore s3Store = s3.enabled()
                ? new S3ObjectStore(s3Client(s3), Path.of(properties.cacheDir()).toAbsolutePath(), s3.partBytes())
                : null;
        return new ObjectStorage(uris, new LocalObjectStore(), s3Store, properties.defaultOutput());
    }

    static S3Client s3Client(StorageProperties.S3Settings s3) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(s3.region()))
                .forcePathStyle(s3.pathStyle());
        if (s3.endpoint() != null) {
            builder.endpointOverride(s3.endpoint());
        }
        if (s3.accessKey() != null && s3.secretKey() != null) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder.build();
    }
}
