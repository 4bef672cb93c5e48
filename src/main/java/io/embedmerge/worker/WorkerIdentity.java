package io.embedmerge.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** The name under which this instance picks jobs from the shared queue. */
record WorkerIdentity(String id) {

    static WorkerIdentity of(WorkerProperties properties) {
        if (properties.id() != null && !properties.id().isBlank()) {
            return new WorkerIdentity(properties.id());
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return new WorkerIdentity(host + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
    }
}
