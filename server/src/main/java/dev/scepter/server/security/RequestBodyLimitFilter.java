package dev.scepter.server.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps an authorised API request's body at its route's {@link ApiRoute#maxBodyBytes()}: a
 * Content-Length beyond it is answered 413 before a byte is read; a body without one (chunked)
 * is counted as it is read, and reading past the cap throws {@link RequestBodyTooLargeException},
 * which the API answers with 413. It runs after authorisation, so a caller without a valid token
 * and the role never gets a byte of its body read.
 */
final class RequestBodyLimitFilter extends OncePerRequestFilter {

    private final ApiRefusals refusals;

    RequestBodyLimitFilter(ApiRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        int limit = refusals.route(request).map(ApiRoute::maxBodyBytes).orElse(0);
        if (request.getContentLengthLong() > limit) {
            refusals.bodyTooLarge(request, response, limit);
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit), response);
    }

    /** The request with its body stream capped. */
    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final int limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, int limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedInputStream(super.getInputStream(), limit);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            Charset charset = Optional.ofNullable(getCharacterEncoding()).map(Charset::forName).orElse(StandardCharsets.UTF_8);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class LimitedInputStream extends ServletInputStream {

        private final ServletInputStream in;
        private final int limit;
        private long read;

        LimitedInputStream(ServletInputStream in, int limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            // Never ask for more than one byte past the cap, so an oversized body is not read further.
            int wanted = (int) Math.min(length, Math.max(1, limit + 1 - read));
            int n = in.read(buffer, offset, wanted);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws RequestBodyTooLargeException {
            read += n;
            if (read > limit) {
                throw new RequestBodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
