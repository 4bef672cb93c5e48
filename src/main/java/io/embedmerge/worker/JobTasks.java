package io.embedmerge.worker;

import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.util.Collection;
import java.util.Map;

/** The queue task of each worker pool. */
record JobTasks(Map<String, OneTimeTask<String>> byPool) {

    OneTimeTask<String> of(String pool) {
        OneTimeTask<String> task = byPool.get(pool);
        if (task == null) {
            throw new IllegalArgumentException("no worker pool '" + pool + "'");
        }
        return task;
    }

    Collection<OneTimeTask<String>> all() {
        return byPool.values();
    }
}
