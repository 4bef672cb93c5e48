package io.embedmerge.support;

import io.embedmerge.dataset.BuiltinDataset;
import io.embedmerge.dataset.BuiltinDatasets;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The built-in datasets as files on the test classpath (target/classes), for tests that read them directly. */
public final class TestData {

    private TestData() {}

    /** The file of {@code builtin:<name>}, for example {@code path("stsb-en-test")}. */
    public static Path path(String name) {
        BuiltinDataset dataset = BuiltinDatasets.find(BuiltinDataset.SCHEME + name)
                .orElseThrow(() -> new IllegalArgumentException("no built-in dataset " + name));
        URL url = TestData.class.getResource(dataset.resource());
        if (url == null) {
            throw new IllegalStateException(dataset.resource() + " is not on the classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
