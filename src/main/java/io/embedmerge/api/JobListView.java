package io.embedmerge.api;

/** How much of each job a list shows; lower-case because the names are the API's query values. */
enum JobListView {
    summary,
    full
}
