package io.embedmerge.worker;

/** Observes each tensor a merge writes (metrics, tracing); beans of this type are called in the worker thread. */
public interface TensorListener {

    void tensorWritten(String tensorName, long bytes);
}
