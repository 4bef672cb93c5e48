package io.embedmerge.api;

import io.embedmerge.job.FieldProblem;
import io.embedmerge.job.JobService;
import io.embedmerge.job.MalformedRequestException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code ?wait=}: a number with unit ms, s or m (seconds without one); at most 60 s. */
final class WaitParameter {

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    private WaitParameter() {}

    static Duration parse(String value) {
        Matcher m = FORM.matcher(value == null ? "" : value.strip());
        if (!m.matches()) {
            throw new MalformedRequestException(
                    new FieldProblem("wait", "'" + abbreviate(value) + "' is not a duration such as 30s, 500ms or 1m"));
        }
        long amount = Long.parseLong(m.group(1));
        Duration wait = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (wait.compareTo(JobService.MAX_WAIT) > 0) {
            throw new MalformedRequestException(new FieldProblem("wait", "must be at most 60s"));
        }
        return wait;
    }

    private static String abbreviate(String value) {
        return value == null ? "" : value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }
}
