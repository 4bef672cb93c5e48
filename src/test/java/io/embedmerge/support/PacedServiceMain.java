package io.embedmerge.support;

import io.embedmerge.EmbedMergeApplication;
import org.springframework.boot.SpringApplication;

/** Runs the service in a separate JVM with slowed-down merges, so a test can kill it mid-merge. */
public final class PacedServiceMain {

    private PacedServiceMain() {}

    public static void main(String[] args) {
        SpringApplication.run(new Class<?>[] {EmbedMergeApplication.class, TensorPacing.class}, args);
    }
}
