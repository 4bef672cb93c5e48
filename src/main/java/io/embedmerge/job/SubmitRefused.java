package io.embedmerge.job;

/** A submit refused by the {@link SubmitGate} (published after the refused transaction has rolled back). */
public record SubmitRefused(Caller caller, String limit, String reason) {}
