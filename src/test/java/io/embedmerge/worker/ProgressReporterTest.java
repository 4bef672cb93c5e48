package io.embedmerge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.embedmerge.job.JobExecution;
import io.embedmerge.job.JobProgress;
import io.embedmerge.job.RunTicket;
import io.embedmerge.model.BatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

    private final JobExecution execution = mock(JobExecution.class);
    private final RunTicket ticket = new RunTicket(UUID.randomUUID(), 1, null, "default");
    private final List<JobProgress> reported = new ArrayList<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    private ProgressReporter reporter(Duration interval) {
        when(execution.progress(any(), any())).thenAnswer(call -> reported.add(call.getArgument(1)));
        return new ProgressReporter(execution, ticket, interval, List.of(), cancelled::get);
    }

    @Test
    void stagesOfAMergeWithEvaluationReportOneNonDecreasingFraction() {
        ProgressReporter progress = reporter(Duration.ZERO);
        List<ProgressSpan> plan = ProgressSpan.WHOLE.split(2, 1, 1);
        progress.enter(plan.get(0));
        for (int step = 1; step <= 5; step++) {
            progress.step("positioning", step, 5, "loss 0.1");
        }
        progress.stage("merging", "merging", plan.get(1));
        for (String pass : List.of("a", "b")) {
            progress.stage(pass);
            for (int t = 1; t <= 4; t++) {
                progress.passProgress(pass, t, 4);
            }
        }
        for (int t = 1; t <= 4; t++) {
            progress.tensorWritten("t" + t, t, 4, 10L * t, 40);
        }
        progress.enter(plan.get(2));
        BatchListener batches = progress.batches("evaluating", "merged: sts");
        for (int b = 1; b <= 3; b++) {
            batches.batchDone(b, 3);
        }

        List<Double> fractions = reported.stream().map(JobProgress::fraction).toList();
        for (int i = 1; i < fractions.size(); i++) {
            assertThat(fractions.get(i))
                    .as("report %d of %s", i, fractions)
                    .isGreaterThanOrEqualTo(fractions.get(i - 1));
        }
        assertThat(fractions.getLast()).isEqualTo(1.0);
        assertThat(fractions).contains(0.5);
        assertThat(reported.stream().filter(p -> p.stage().equals("merging")).map(JobProgress::fraction))
                .as("the write pass moves on after the statistics passes")
                .anyMatch(f -> f > 0.5 && f < 0.75);
        assertThat(reported.get(2).message()).contains("step 3/5", "ETA");
    }

    @Test
    void aRaisedCancelSignalStopsTheNextBatchWithoutAskingTheDatabase() {
        ProgressReporter progress = reporter(Duration.ofHours(1));
        progress.checkpoint(); // the first check asks the database once
        BatchListener batches = progress.batches("evaluating", "x");
        batches.batchDone(1, 10);
        cancelled.set(true);
        assertThatThrownBy(() -> batches.batchDone(2, 10)).isInstanceOf(JobCancelledException.class);
        verify(execution).cancelRequested(ticket);
    }

    @Test
    void aCancelAcceptedElsewhereIsSeenAtTheNextDatabaseCheck() {
        ProgressReporter progress = reporter(Duration.ZERO);
        when(execution.cancelRequested(ticket)).thenReturn(true);
        assertThatThrownBy(() -> progress.step("training", 1, 10, "loss 1")).isInstanceOf(JobCancelledException.class);
        verify(execution, never()).progress(any(), any());
    }
}
