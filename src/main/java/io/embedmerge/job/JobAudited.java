package io.embedmerge.job;

import java.util.UUID;

/** Published after a submit or cancel, for the audit log; {@code outcome} is e.g. {@code accepted}, {@code replayed}. */
public record JobAudited(String action, Caller caller, UUID jobId, String outcome) {}
