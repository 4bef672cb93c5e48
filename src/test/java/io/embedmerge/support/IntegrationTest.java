package io.embedmerge.support;

import io.embedmerge.EmbedMergeApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests that run the whole service over real HTTP against PostgreSQL. All subclasses share one
 * application context (same properties), hence one worker pool and one storage root.
 */
@SpringBootTest(classes = EmbedMergeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TensorPacing.class)
public abstract class IntegrationTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestEnvironment.properties(TestEnvironment.sharedSchema()).forEach((k, v) -> registry.add(k, () -> v));
    }
}
