package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.client.ApiClient;
import io.embedmerge.client.api.JobsApi;
import io.embedmerge.client.model.ImportJobRequest;
import io.embedmerge.client.model.Job;
import io.embedmerge.client.model.JobRequest;
import io.embedmerge.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The client that openapi-generator (java, native) builds from the committed openapi/openapi.yaml during the test
 * build: it submits an import, waits with {@code ?wait=} and reads {@code result.output.uri}, so the description
 * stays usable for code generation.
 */
class GeneratedClientTest extends IntegrationTest {

    private static final Set<Job.StatusEnum> ENDED =
            Set.of(Job.StatusEnum.SUCCEEDED, Job.StatusEnum.FAILED, Job.StatusEnum.CANCELLED);

    @LocalServerPort
    int port;

    @Test
    void importsWaitsAndReadsTheOutputUri() throws Exception {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://localhost:" + port);
        client.setReadTimeout(Duration.ofSeconds(90));
        JobsApi jobs = new JobsApi(client);

        Job submitted = jobs.submitJob(
                new JobRequest(new ImportJobRequest()
                        .kind(ImportJobRequest.KindEnum.IMPORT)
                        .source("builtin:all-minilm-l6-v2")
                        .metadata(Map.of("client", "openapi-generator"))),
                null);
        assertThat(submitted.getId()).isNotNull();
        assertThat(submitted.getMetadata()).containsEntry("client", "openapi-generator");

        Job job = submitted;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (!ENDED.contains(job.getStatus()) && Instant.now().isBefore(deadline)) {
            job = jobs.getJob(submitted.getId(), "30s");
        }
        assertThat(job.getStatus()).as("%s", job.getError()).isEqualTo(Job.StatusEnum.SUCCEEDED);
        assertThat(job.getRequest().getActualInstance()).isInstanceOf(ImportJobRequest.class);
        assertThat(job.getResult().getOutput().getUri()).startsWith("file:");
        assertThat(job.getResult().getOutput().getFiles()).isNotEmpty();
    }
}
