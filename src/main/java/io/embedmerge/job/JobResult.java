package io.embedmerge.job;

import io.embedmerge.storage.StoredFile;

import java.util.List;

/** What a finished job produced. */
public record JobResult(Output output) {

    /** The published output folder and its files with sizes and SHA-256. */
    public record Output(String uri, List<StoredFile> files) {
    }
}
