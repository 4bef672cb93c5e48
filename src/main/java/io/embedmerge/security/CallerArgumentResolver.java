package io.embedmerge.security;

import io.embedmerge.job.Caller;
import org.springframework.core.MethodParameter;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Gives controller methods a {@link Caller} parameter: the authenticated principal, or the local caller when open. */
final class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    private final SecurityMode mode;

    CallerArgumentResolver(SecurityMode mode) {
        this.mode = mode;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Caller resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer container,
            NativeWebRequest request,
            WebDataBinderFactory binderFactory) {
        if (!mode.authenticated()) {
            return Caller.LOCAL;
        }
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof TenantPrincipal principal) {
            return principal.caller();
        }
        // the filter chain lets no unauthenticated request reach a controller that takes a Caller
        throw new AuthenticationCredentialsNotFoundException("no authenticated caller");
    }
}
