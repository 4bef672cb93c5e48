package io.embedmerge.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.eval.StsData;
import io.embedmerge.positioning.PairData;
import io.embedmerge.support.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BuiltinDatasetsTest {

    @Test
    void everyDatasetParsesWithTheRowCountItDeclares() {
        for (BuiltinDataset dataset : BuiltinDatasets.ALL) {
            Path file = TestData.path(dataset.name());
            int rows = switch (dataset.format()) {
                case "sts-tsv" -> StsData.read(file).size();
                case "pairs-jsonl" -> PairData.read(file, 0).size();
                default -> throw new AssertionError("unknown format " + dataset.format());
            };
            assertThat(rows).as(dataset.name()).isEqualTo(dataset.rows());
        }
    }

    @Test
    void chineseStsUsesTheThreeColumnLayout() {
        var first = StsData.read(TestData.path("stsb-zh-test")).getFirst();
        assertThat(first.sentence1()).isEqualTo("一个女孩在给她的头发做发型。");
        assertThat(first.sentence2()).isEqualTo("一个女孩在梳头。");
        assertThat(first.score()).isEqualTo(2.0);
    }

    @Test
    void retrievalPairsKeepTheirHardNegatives() {
        var first = PairData.read(TestData.path("zh-retrieval-pairs"), 0).getFirst();
        assertThat(first.query()).isEqualTo("一架飞机要起飞了。");
        assertThat(first.positive()).isEqualTo("一架飞机正在起飞。");
        assertThat(first.negatives()).contains("一架飞机在空中飞行。");
    }

    @Test
    void namesAreUniqueAndUrisUseTheScheme() {
        assertThat(BuiltinDatasets.ALL).extracting(BuiltinDataset::name).doesNotHaveDuplicates();
        assertThat(BuiltinDatasets.ALL).allSatisfy(d -> assertThat(d.uri()).isEqualTo("builtin:" + d.name()));
    }
}
