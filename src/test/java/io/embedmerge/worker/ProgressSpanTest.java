package io.embedmerge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressSpanTest {

    @Test
    void mapsDoneOfTotalIntoTheSpan() {
        ProgressSpan span = new ProgressSpan(0.2, 0.6);
        assertThat(span.at(0, 10)).isEqualTo(0.2);
        assertThat(span.at(5, 10)).isCloseTo(0.4, within(1e-12));
        assertThat(span.at(10, 10)).isEqualTo(0.6);
        assertThat(span.at(0, 0)).as("an empty loop is done").isEqualTo(0.6);
        assertThat(span.at(1.5)).as("clamped").isEqualTo(0.6);
    }

    @Test
    void splitsByWeightIntoConsecutiveParts() {
        List<ProgressSpan> parts = ProgressSpan.WHOLE.split(2, 0, 1, 1);
        assertThat(parts.get(0).from()).isZero();
        assertThat(parts.get(0).to()).isCloseTo(0.5, within(1e-12));
        assertThat(parts.get(1).from())
                .isEqualTo(parts.get(1).to())
                .isEqualTo(parts.get(0).to());
        assertThat(parts.get(2).to()).isCloseTo(0.75, within(1e-12));
        assertThat(parts.get(3).to()).isEqualTo(1.0);
        for (int i = 1; i < parts.size(); i++) {
            assertThat(parts.get(i).from()).isEqualTo(parts.get(i - 1).to());
        }
    }

    @Test
    void equalPartsOfASpanCoverItExactly() {
        ProgressSpan span = new ProgressSpan(0.1, 0.7);
        assertThat(span.part(0, 3).from()).isEqualTo(0.1);
        assertThat(span.part(1, 3).from()).isCloseTo(0.3, within(1e-12));
        assertThat(span.part(1, 3).to()).isEqualTo(span.part(2, 3).from());
        assertThat(span.part(2, 3).to()).isEqualTo(0.7);
    }

    @Test
    void nestedStagesGiveNonDecreasingFractions() {
        // an evaluate-like job: three evaluations, each a loop of 7 batches
        double last = 0;
        for (int e = 0; e < 3; e++) {
            ProgressSpan part = ProgressSpan.WHOLE.part(e, 3);
            for (int b = 0; b <= 7; b++) {
                double f = part.at(b, 7);
                assertThat(f).isGreaterThanOrEqualTo(last);
                last = f;
            }
        }
        assertThat(last).isEqualTo(1.0);
    }

    @Test
    void theRestOfASpanStartsWhereTheJobIs() {
        ProgressSpan span = new ProgressSpan(0.4, 0.8);
        assertThat(span.after(0.5)).isEqualTo(new ProgressSpan(0.5, 0.8));
        assertThat(span.after(0.1)).isEqualTo(span);
        assertThat(span.after(0.9)).isEqualTo(new ProgressSpan(0.8, 0.8));
    }

    @Test
    void rejectsWhatIsNotASpan() {
        assertThatThrownBy(() -> new ProgressSpan(0.6, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProgressSpan(0, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProgressSpan.WHOLE.split(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
