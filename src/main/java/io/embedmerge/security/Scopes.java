package io.embedmerge.security;

/** The scopes of the API and the authorities Spring Security derives from them. */
final class Scopes {

    static final String JOBS_READ = "jobs:read";
    static final String JOBS_WRITE = "jobs:write";
    static final String ADMIN = "admin";
    static final String AUTHORITY_PREFIX = "SCOPE_";

    private Scopes() {}

    static String authority(String scope) {
        return AUTHORITY_PREFIX + scope;
    }
}
