package io.embedmerge.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/** An S3-compatible server in the test JVM (S3Proxy over an in-memory blob store), started once. */
public final class InProcessS3 {

    public static final String ACCESS_KEY = "test-access";
    public static final String SECRET_KEY = "test-secret-never-logged";
    private static URI endpoint;

    private InProcessS3() {}

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            try (ServerSocket socket = new ServerSocket(0)) {
                endpoint = URI.create("http://127.0.0.1:" + socket.getLocalPort());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(BlobStores.create("transient", new Properties()))
                    .endpoint(endpoint)
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .build();
            try {
                proxy.start();
                while (!proxy.getState().equals("STARTED")) {
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot start S3Proxy", e);
            }
        }
        return endpoint;
    }
}
