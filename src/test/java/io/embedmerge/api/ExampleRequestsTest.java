package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The requests that the ready-made pipeline steps (examples/argo, examples/airflow, examples/kubeflow) send are the
 * files of examples/requests; this checks those bytes against the served OpenAPI description (bodies against
 * their schemas, paths and query parameters against the operations) and against the service (202 for every body,
 * 200 for every query). The examples change only fields the request files already hold (checkpoint URIs, the
 * method, metadata values).
 */
class ExampleRequestsTest extends ServedDocumentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path EXAMPLES = Path.of("examples");
    private static final Path REQUESTS = EXAMPLES.resolve("requests");
    private static final Pattern REQUEST_FILE = Pattern.compile("(?<!/tmp/)(?<![\\w-])([a-z-]+\\.json)(?!\\()");
    private static final Pattern METADATA_KEY = Pattern.compile("metadata\\.([A-Za-z0-9._-]{1,63})");

    @Test
    void everyJobRequestIsValidAgainstItsSchemaAndAccepted() {
        List<Path> jobRequests =
                requestFiles().stream().filter(f -> read(f).has("kind")).toList();
        assertThat(jobRequests)
                .extracting(f -> read(f).path("kind").asString())
                .containsExactlyInAnyOrderElementsOf(document.at("/components/schemas/JobRequest/discriminator/mapping")
                        .propertyNames());
        for (Path file : jobRequests) {
            JsonNode body = read(file);
            String schema = document.at("/components/schemas/JobRequest/discriminator/mapping")
                    .path(body.path("kind").asString())
                    .asString();
            assertThat(schemas.problems(schema, body)).as("%s", file).isEmpty();
            assertThat(schemas.problems("#/components/schemas/JobRequest", body))
                    .as("%s", file)
                    .isEmpty();
            submitAndCancel(file.toString(), body);
        }
    }

    @Test
    void everyMergeMethodIsValidAndAccepted() {
        JsonNode methods = read(REQUESTS.resolve("merge-methods.json"));
        assertThat(methods.size()).isGreaterThan(1);
        for (JsonNode method : methods) {
            assertThat(schemas.problems("#/components/schemas/MethodSpec", method))
                    .as("%s", method)
                    .isEmpty();
            ObjectNode merge = (ObjectNode) read(REQUESTS.resolve("merge.json"));
            merge.set("method", method);
            assertThat(schemas.problems("#/components/schemas/MergeJobRequest", merge))
                    .as("%s", method)
                    .isEmpty();
            submitAndCancel("merge.json with " + method, merge);
        }
    }

    @Test
    void everyQueryMatchesItsOperationAndIsAnswered() {
        JsonNode queries = read(REQUESTS.resolve("queries.json"));
        String job = submitAndCancel("import.json", read(REQUESTS.resolve("import.json")));
        for (String name : queries.propertyNames()) {
            String path = queries.path(name).path("path").asString();
            JsonNode operation = document.path("paths").path(path).path("get");
            assertThat(operation.isObject()).as("GET %s (%s)", path, name).isTrue();
            List<String> query = new ArrayList<>();
            queries.path(name).path("query").properties().forEach(p -> {
                JsonNode parameter = parameter(operation, p.getKey());
                assertThat(parameter)
                        .as("%s: query parameter %s of GET %s", name, p.getKey(), path)
                        .isNotNull();
                JsonNode schema = parameter.path("schema");
                JsonNode value = schema.path("type").asString().equals("integer")
                        ? JSON.getNodeFactory()
                                .numberNode(Long.parseLong(p.getValue().asString()))
                        : p.getValue();
                assertThat(schemas.problems(schema, value))
                        .as("%s: %s=%s", name, p.getKey(), p.getValue())
                        .isEmpty();
                query.add(p.getKey() + "=" + URLEncoder.encode(p.getValue().asString(), StandardCharsets.UTF_8));
            });
            ApiClient.Response response = api.get(path.replace("{id}", job) + "?" + String.join("&", query));
            assertThat(response.status()).as("%s: %s", name, response.body()).isEqualTo(200);
        }
    }

    @Test
    void theExamplesReadTheRequestFiles() {
        Set<String> files = requestFiles().stream()
                .map(f -> f.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> used = new TreeSet<>();
        for (String folder : List.of("argo", "airflow", "kubeflow")) {
            Set<String> named = new TreeSet<>();
            for (Path source : list(EXAMPLES.resolve(folder))) {
                Matcher m = REQUEST_FILE.matcher(readString(source));
                while (m.find()) {
                    named.add(m.group(1));
                }
            }
            assertThat(files).as("request files named in examples/%s", folder).containsAll(named);
            assertThat(named).as("examples/%s", folder).contains("merge.json", "evaluate.json", "queries.json");
            used.addAll(named);
        }
        assertThat(used).as("request files read by no example").containsAll(files);
    }

    /**
     * The Argo step run-job, its script as the WorkflowTemplate holds it, run with sh, curl and jq against this
     * service (paths /requests and /tmp moved to examples/requests and a temporary folder): an import is submitted,
     * waited for with ?wait= and its result.output.uri written where the step's output parameter reads it.
     */
    @Test
    void theArgoRunJobScriptSubmitsWaitsAndReadsTheOutput() throws Exception {
        for (String tool : List.of("sh", "curl", "jq")) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed");
        }
        Map<String, Object> template =
                new org.yaml.snakeyaml.Yaml().load(readString(EXAMPLES.resolve("argo/embed-merge-template.yaml")));
        @SuppressWarnings("unchecked")
        Map<String, Object> runJob = ((List<Map<String, Object>>)
                        ((Map<String, Object>) template.get("spec")).get("templates"))
                .stream()
                        .filter(t -> "run-job".equals(t.get("name")))
                        .findFirst()
                        .orElseThrow();
        @SuppressWarnings("unchecked")
        String source = (String) ((Map<String, Object>) runJob.get("script")).get("source");
        Path tmp = Files.createTempDirectory("argo-run-job");
        // /tmp/ first: the checkout itself may lie under /tmp, and its path must not be rewritten again
        String script = source.replace("/tmp/", tmp + "/").replace("/requests/", REQUESTS.toAbsolutePath() + "/");
        ProcessBuilder sh = new ProcessBuilder("sh", "-c", script)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log").toFile());
        sh.environment()
                .putAll(Map.of(
                        "API",
                        "http://localhost:" + port,
                        "WORKFLOW",
                        "example-requests-test",
                        "IDEMPOTENCY_KEY",
                        java.util.UUID.randomUUID().toString(),
                        "REQUEST",
                        "import.json",
                        "SET",
                        ".metadata.experiment = $args.experiment",
                        "ARGS",
                        "{\"experiment\": \"argo-script\"}"));
        Process process = sh.start();
        assertThat(process.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        String log = readString(tmp.resolve("log"));
        assertThat(process.exitValue()).as(log).isZero();
        String id = readString(tmp.resolve("id"));
        JsonNode job = api.get("/v1/jobs/" + id).body();
        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("metadata").path("argo-workflow").asString()).isEqualTo("example-requests-test");
        assertThat(job.path("metadata").path("experiment").asString()).isEqualTo("argo-script");
        assertThat(readString(tmp.resolve("output-uri")))
                .isEqualTo(job.at("/result/output/uri").asString())
                .startsWith("file:");
        assertThat(log).contains("SUCCEEDED");
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** Submits the body (file: URIs under ./data moved to test checkpoints), expects 202, cancels; returns the id. */
    private String submitAndCancel(String what, JsonNode body) {
        ApiClient.Response response = api.post("/v1/jobs", ApiExamplesTest.submittable(body));
        assertThat(response.status()).as("%s: %s", what, response.body()).isEqualTo(202);
        String id = response.body().path("id").asString();
        assertThat(response.body().path("metadata")).as(what).isEqualTo(body.path("metadata"));
        api.post("/v1/jobs/" + id + "/cancel", null);
        return id;
    }

    private static JsonNode parameter(JsonNode operation, String name) {
        for (JsonNode p : operation.path("parameters")) {
            if (!p.path("in").asString().equals("query")) {
                continue;
            }
            String declared = p.path("name").asString();
            if (declared.equals(name)
                    || declared.equals("metadata.<key>")
                            && METADATA_KEY.matcher(name).matches()) {
                return p;
            }
        }
        return null;
    }

    private static List<Path> requestFiles() {
        return list(REQUESTS).stream()
                .filter(f -> f.toString().endsWith(".json"))
                .toList();
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path file) {
        return JSON.readTree(readString(file));
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
