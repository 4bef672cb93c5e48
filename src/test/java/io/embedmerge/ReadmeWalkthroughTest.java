package io.embedmerge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.TestEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Runs the README's walk-through as a user would: every bash block marked {@code <!-- walkthrough -->}, in order,
 * in one shell, from the repository folder, against a service whose storage is the default {@code ./data} (only the
 * port differs). Then checks what the walk-through should have produced.
 */
@SpringBootTest(classes = EmbedMergeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReadmeWalkthroughTest {

    private static final String MARKER = "<!-- walkthrough -->";
    private static final Path README = Path.of("README.md");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Map<String, String> p = new HashMap<>(TestEnvironment.properties(TestEnvironment.newSchema("walkthrough")));
        p.put("merge.storage.local-roots", "./data");
        p.put("merge.storage.default-output", "file:./data/outputs");
        p.put("merge.storage.cache-dir", "./data/cache");
        p.forEach((k, v) -> registry.add(k, () -> v));
    }

    static List<String> walkthroughBlocks(List<String> lines) {
        List<String> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals(MARKER)) {
                continue;
            }
            assertThat(lines.get(i + 1))
                    .as("line after the marker at line %d", i + 1)
                    .isEqualTo("```bash");
            StringBuilder block = new StringBuilder();
            int j = i + 2;
            while (!lines.get(j).equals("```")) {
                block.append(lines.get(j)).append('\n');
                j++;
            }
            blocks.add(block.toString());
            i = j;
        }
        return blocks;
    }

    @Test
    void everyCodeFenceOfTheReadmeIsClosed() throws IOException {
        List<String> lines = Files.readAllLines(README);
        boolean open = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            assertThat(line.strip().startsWith("```") || !line.contains("```"))
                    .as("README line %d has a fence that is not alone on its line: %s", i + 1, line)
                    .isTrue();
            if (line.strip().startsWith("```")) {
                assertThat(open && !line.strip().equals("```"))
                        .as("README line %d opens a fence inside a fence", i + 1)
                        .isFalse();
                open = !open;
            }
        }
        assertThat(open).as("README ends inside a code block").isFalse();
    }

    @Test
    void theWalkthroughRunsAsWrittenAndProducesWhatItSays() throws Exception {
        List<String> blocks = walkthroughBlocks(Files.readAllLines(README));
        assertThat(blocks).as("walk-through blocks in the README").hasSizeGreaterThanOrEqualTo(8);
        String script =
                "set -euo pipefail\n" + String.join("\n", blocks).replace("localhost:8080", "localhost:" + port);
        Path log = Path.of("target", "readme-walkthrough.log");
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", script)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        bash.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = bash.start();
        boolean ended = process.waitFor(10, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended)
                .as("walk-through still running after 10 minutes:\n%s", output)
                .isTrue();
        assertThat(process.exitValue()).as("walk-through failed:\n%s", output).isZero();

        ApiClient api = new ApiClient(port);
        Map<String, JsonNode> byKind = new HashMap<>();
        List<JsonNode> jobs = new ArrayList<>();
        api.get("/v1/jobs?pageSize=50").body().path("jobs").forEach(jobs::add);
        jobs.forEach(j -> byKind.merge(j.path("kind").asString(), j, (newer, older) -> newer));
        assertThat(jobs)
                .extracting(j -> j.path("status").asString())
                .as(output)
                .containsOnly("SUCCEEDED", "CANCELLED")
                .containsOnlyOnce("CANCELLED");

        JsonNode evaluation = jobs.stream()
                .filter(j -> j.path("kind").asString().equals("evaluate")
                        && j.path("status").asString().equals("SUCCEEDED"))
                .findFirst()
                .orElseThrow();
        JsonNode scored =
                api.get("/v1/jobs/" + evaluation.path("id").asString()).body();
        assertThat(scored.path("result")
                        .path("scores")
                        .path("stsb-test")
                        .path("main")
                        .asDouble())
                .as("all-MiniLM-L6-v2 on builtin:stsb-en-test (MTEB: 82.03)")
                .isCloseTo(82.03, offset(0.05));
        assertThat(output).contains("\"stsb-test\"", "builtin:stsb-en-test  1379 rows", "CANCELLED");

        JsonNode merge =
                api.get("/v1/jobs/" + byKind.get("merge").path("id").asString()).body();
        assertThat(merge.path("result").path("comparison")).as(merge.toString()).hasSize(3);
        String analysisReport = Files.readString(Path.of("data", "analysis-report.html"));
        assertThat(analysisReport).contains("Angles between task vectors", "<svg");
        JsonNode firstMerge = jobs.getLast();
        assertThat(firstMerge.path("kind").asString()).isEqualTo("merge");
        assertThat(Path.of("data", "outputs", firstMerge.path("id").asString(), "merge-manifest.json"))
                .exists();
    }
}
