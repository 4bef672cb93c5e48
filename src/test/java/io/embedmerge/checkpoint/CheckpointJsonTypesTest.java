package io.embedmerge.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hardening: a JSON value of the wrong type anywhere in a safetensors header or a shard index is a
 * {@link CheckpointFormatException} naming the file (the job's INVALID_CHECKPOINT), never an untyped Jackson
 * exception that ends as INTERNAL.
 */
class CheckpointJsonTypesTest {

    @TempDir
    Path dir;

    private static final String TENSOR = "\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}";

    private Path folderWithHeader(String header) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("st-" + System.nanoTime()));
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json);
        Files.write(folder.resolve(Checkpoint.SINGLE_FILE), buffer.array());
        return folder;
    }

    @Test
    void wrongTypesInASafetensorsHeaderNameTheFile() throws IOException {
        List<String> headers = List.of(
                "{\"__metadata__\": {\"format\": 1}, " + TENSOR + "}",
                "{\"__metadata__\": {\"format\": {\"nested\": \"x\"}}, " + TENSOR + "}",
                "{\"__metadata__\": {\"format\": null}, " + TENSOR + "}",
                "{\"__metadata__\": {\"format\": [\"pt\"]}, " + TENSOR + "}",
                "{\"__metadata__\": \"pt\", " + TENSOR + "}",
                "{\"w\": {\"dtype\": {\"name\": \"F32\"}, \"shape\": [2], \"data_offsets\": [0, 8]}}",
                "{\"w\": {\"dtype\": 32, \"shape\": [2], \"data_offsets\": [0, 8]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [\"2\"], \"data_offsets\": [0, 8]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [2.0], \"data_offsets\": [0, 8]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": {\"0\": 2}, \"data_offsets\": [0, 8]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [\"0\", \"8\"]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 18446744073709551616]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [null, 8]}}",
                "{\"w\": null}",
                "{\"w\": [1, 2]}",
                "[1, 2]");
        for (String header : headers) {
            Path folder = folderWithHeader(header);
            assertThatThrownBy(() -> Checkpoint.open(folder))
                    .as(header)
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining(Checkpoint.SINGLE_FILE);
        }
        try (Checkpoint ok =
                Checkpoint.open(folderWithHeader("{\"__metadata__\": {\"format\": \"pt\"}, " + TENSOR + "}"))) {
            assertThat(ok.tensors()).containsKey("w");
        }
    }

    @Test
    void wrongTypesInAShardIndexNameTheIndex() throws IOException {
        Path shard = folderWithHeader("{" + TENSOR + "}").resolve(Checkpoint.SINGLE_FILE);
        List<String> indexes = List.of(
                "{\"weight_map\": {\"w\": {\"file\": \"model-00001-of-00001.safetensors\"}}}",
                "{\"weight_map\": {\"w\": [\"model-00001-of-00001.safetensors\"]}}",
                "{\"weight_map\": {\"w\": 1}}",
                "{\"weight_map\": {\"w\": null}}",
                "{\"weight_map\": [\"model-00001-of-00001.safetensors\"]}",
                "{\"weight_map\": \"model-00001-of-00001.safetensors\"}",
                "[]",
                "{\"weight_map\": ");
        for (String index : indexes) {
            Path folder = Files.createDirectories(dir.resolve("sharded-" + System.nanoTime()));
            Files.copy(shard, folder.resolve("model-00001-of-00001.safetensors"));
            Files.writeString(folder.resolve(Checkpoint.INDEX_FILE), index);
            assertThatThrownBy(() -> Checkpoint.open(folder))
                    .as(index)
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining(Checkpoint.INDEX_FILE);
        }
    }
}
