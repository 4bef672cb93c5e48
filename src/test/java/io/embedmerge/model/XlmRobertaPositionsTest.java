package io.embedmerge.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.support.TestSafetensors;
import io.embedmerge.support.TestSafetensors.Tensor;
import io.embedmerge.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XLM-RoBERTa positions start after the padding index (2, 3, … with padding_idx 1): an XLM-R copy of a BERT model
 * whose position table is shifted by two rows must give the BERT model's embeddings, padded or not.
 */
class XlmRobertaPositionsTest {

    @TempDir
    Path dir;

    @Test
    void paddingOffsetPositionsReproduceTheShiftedBertModel() throws Exception {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 50), DType.F32, 1, 5);
        Path bert = dir.resolve("model-1");
        Path xlmr = Files.createDirectories(dir.resolve("xlmr"));
        Map<String, Tensor> tensors = new LinkedHashMap<>(TestSafetensors.read(bert.resolve("model.safetensors")));
        Tensor positions = tensors.get("embeddings.position_embeddings.weight");
        double[] shifted = new double[positions.values().length];
        int width = 32;
        for (int p = 0; p + 2 < 512; p++) {
            System.arraycopy(positions.values(), p * width, shifted, (p + 2) * width, width);
        }
        tensors.put("embeddings.position_embeddings.weight", Tensor.floating("F32", positions.shape(), shifted));
        TestSafetensors.write(xlmr.resolve("model.safetensors"), tensors);
        for (String file : new String[] {"modules.json", "sentence_bert_config.json"}) {
            Files.copy(bert.resolve(file), xlmr.resolve(file));
        }
        Files.createDirectories(xlmr.resolve("1_Pooling"));
        Files.copy(bert.resolve("1_Pooling/config.json"), xlmr.resolve("1_Pooling/config.json"));
        Files.writeString(
                xlmr.resolve("config.json"),
                Files.readString(bert.resolve("config.json"))
                        .replace("\"model_type\": \"bert\"", "\"model_type\": \"xlm-roberta\", \"pad_token_id\": 1"));

        try (BertEncoder b = BertEncoder.load(bert);
                BertEncoder x = BertEncoder.load(xlmr);
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(x.config().xlmRoberta()).isTrue();
            var ids = manager.create(new long[] {4, 9, 12, 7, 5, 8, 1, 1}, new Shape(2, 4));
            var types = manager.zeros(new Shape(2, 4), DataType.INT64);
            var mask = manager.create(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 4));
            float[] expected = b.embed(ids, types, mask).toFloatArray();
            float[] actual = x.embed(ids, types, mask).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }
}
