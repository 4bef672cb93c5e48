package io.embedmerge.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How token embeddings become one sentence embedding (sentence-transformers' Pooling module). */
public enum Pooling {
    @JsonProperty("mean")
    MEAN,
    @JsonProperty("cls")
    CLS
}
