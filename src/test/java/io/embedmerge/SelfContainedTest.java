package io.embedmerge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A clone of the repository must work on its own: nothing may reach for the folder beside it. */
class SelfContainedTest {

    /** Built from parts so that this file does not name it. */
    private static final List<String> NEEDLES = List.of(".." + "/shared", "\"..\"" + ", \"shared\"");

    @Test
    void noSourceScriptOrDocumentMentionsTheSharedFolderBesideTheRepository() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String root : List.of("src", "scripts", "examples", "helm", "docs", "README.md", ".ci", ".github")) {
            Path start = Path.of(root);
            if (!Files.exists(start)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(start)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                    if (NEEDLES.stream().anyMatch(text::contains)) {
                        offenders.add(file.toString());
                    }
                }
            }
        }
        assertThat(offenders)
                .as("files that read the shared folder beside the repository; copy the data in instead")
                .isEmpty();
    }
}
