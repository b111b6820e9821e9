package dev.scepter.server.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses an authorised API request whose Content-Type or Accept header is not a media type
 * (RFC 9110 sections 8.3 and 12.5.1) with 400, before its handler runs: Spring would otherwise
 * find out only when it writes the answer, after the handler had changed something.
 */
final class MediaTypeHeaderFilter extends OncePerRequestFilter {

    private final ApiRefusals refusals;

    MediaTypeHeaderFilter(ApiRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
            if (contentType != null) {
                MediaType.parseMediaType(contentType);
            }
            MediaType.parseMediaTypes(Collections.list(request.getHeaders(HttpHeaders.ACCEPT)));
        } catch (InvalidMediaTypeException e) {
            refusals.malformedHeader(request, response);
            return;
        }
        chain.doFilter(request, response);
    }
}
