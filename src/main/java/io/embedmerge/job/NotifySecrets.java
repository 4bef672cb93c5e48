package io.embedmerge.job;

/** Issues the signing secret of a job's own webhook ({@code notify}); implemented by the webhooks package. */
public interface NotifySecrets {

    String issue();
}
