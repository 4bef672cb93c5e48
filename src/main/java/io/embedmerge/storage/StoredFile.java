package io.embedmerge.storage;

/** A file written to an output folder: its relative name, size and SHA-256 (lower-case hex). */
public record StoredFile(String name, long bytes, String sha256) {}
