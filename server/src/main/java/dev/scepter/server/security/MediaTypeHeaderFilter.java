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
 * find out only when it writes the answer, after the handler had changed something. A form or
 * multipart body is refused with 415 before anything reads it.
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
                MediaType type = MediaType.parseMediaType(contentType);
                // The servlet container reads these itself when anything asks for a parameter,
                // past the body cap's counting stream; no route takes them.
                if (type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED) || "multipart".equalsIgnoreCase(type.getType())) {
                    refusals.formBody(request, response);
                    return;
                }
            }
            MediaType.parseMediaTypes(Collections.list(request.getHeaders(HttpHeaders.ACCEPT)));
        } catch (InvalidMediaTypeException e) {
            refusals.malformedHeader(request, response);
            return;
        }
        chain.doFilter(request, response);
    }
}
