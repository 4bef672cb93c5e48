package io.embedmerge.webhooks;

import io.embedmerge.job.FieldProblem;
import io.embedmerge.job.JobRequest;
import io.embedmerge.job.JobRequestCheck;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The form check of webhook URLs at registration and submit: absolute, https (http only for the allowlisted
 * hosts), a host, no user info or fragment. Addresses are checked later, on every connection (GuardedDnsResolver).
 */
@Component
class UrlPolicy implements JobRequestCheck {

    private static final int MAX_LENGTH = 2048;
    private final List<String> httpHosts;

    UrlPolicy(WebhookProperties properties) {
        this.httpHosts = properties.allowedHttpHosts().stream()
                .map(h -> h.toLowerCase(Locale.ROOT))
                .toList();
    }

    /** Why the URL cannot be used, or empty. */
    Optional<String> problem(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("a URL is required");
        }
        if (url.length() > MAX_LENGTH) {
            return Optional.of("must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null) {
            return Optional.of("must be an absolute https URL with a host");
        }
        if (uri.getUserInfo() != null || uri.getFragment() != null) {
            return Optional.of("must not contain user info or a fragment");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") && !httpHosts.contains(host)) {
            return Optional.of("must use https (http only for hosts in merge.webhooks.allowed-http-hosts)");
        }
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("must use https");
        }
        return Optional.empty();
    }

    @Override
    public void check(JobRequest request, List<FieldProblem> problems) {
        if (request.notification() != null
                && request.notification().url() != null
                && !request.notification().url().isBlank()) {
            problem(request.notification().url()).ifPresent(p -> problems.add(new FieldProblem("notify.url", p)));
        }
    }
}
