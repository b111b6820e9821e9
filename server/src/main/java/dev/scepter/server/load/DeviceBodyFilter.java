package dev.scepter.server.load;

import dev.scepter.server.web.Refusals;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the body of a device POST (OCSP, SCEP PKIOperation) without holding a worker thread, then
 * hands the request on with the body in memory. Tomcat reads headers without a worker thread, but
 * a servlet's blocking body read parks one for as long as the client takes: a client that sends a
 * byte every few seconds holds a thread, and a few hundred such clients hold all of them, so OCSP
 * stops answering (RFC 6960 responders must stay up for relying parties that hard-fail). Here the
 * body is read by Servlet non-blocking I/O (a {@link ReadListener}): a slow client costs a buffer
 * of at most {@code maxBytes}, no thread, and no more than {@link #BODY_DEADLINE} in all, after
 * which it gets 408 and the connection is closed. Bodies are read whole before any device
 * endpoint sees them, so an endpoint's own limits (the SCEP and OCSP bulkheads) count requests,
 * not slow uploads.
 */
public final class DeviceBodyFilter implements Filter {

    /**
     * The whole time a device body may take to arrive. A PKCSReq is a few KiB, an OCSP request
     * about 100 bytes. Shorter than Tomcat's read timeout ({@code server.tomcat.connection-timeout},
     * 10 s), so that a body that stops arriving meets this deadline, and its answer, first.
     */
    public static final Duration BODY_DEADLINE = Duration.ofSeconds(8);
    private static final String BODY = DeviceBodyFilter.class.getName() + ".body";

    private final int maxBytes;

    /** @param maxBytes the largest body any device path takes; one byte more is kept, so the endpoint answers 413 */
    public DeviceBodyFilter(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        HttpServletResponse response = (HttpServletResponse) servletResponse;
        Object read = request.getAttribute(BODY);
        if (read instanceof byte[] body) {
            request.removeAttribute(BODY);
            chain.doFilter(new BufferedBody(request, body), response);
            return;
        }
        if (!"POST".equals(request.getMethod()) || request.getDispatcherType() != DispatcherType.REQUEST || !request.isAsyncSupported()
                || request.getContentLengthLong() == 0) {
            chain.doFilter(request, response);
            return;
        }
        if (request.getContentLengthLong() > maxBytes) {
            // As the endpoints themselves answer a body beyond their bound: plain 413 (no protocol message is this large).
            response.setHeader("Connection", "close");
            response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            response.setContentType("text/plain;charset=UTF-8");
            response.getOutputStream().write("The body is larger than a device request can be.".getBytes(StandardCharsets.UTF_8));
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(BODY_DEADLINE.toMillis());
        AtomicBoolean settled = new AtomicBoolean();
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                settleWithoutBody(request, response, async, settled);
            }

            @Override
            public void onError(AsyncEvent event) {
                settleWithoutBody(request, response, async, settled);
            }

            @Override
            public void onComplete(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        ServletInputStream in = request.getInputStream();
        in.setReadListener(new ReadListener() {
            private final ByteArrayOutputStream body = new ByteArrayOutputStream();
            private final byte[] chunk = new byte[8192];

            @Override
            public void onDataAvailable() throws IOException {
                while (in.isReady()) {
                    int n = in.read(chunk);
                    if (n < 0) {
                        return;
                    }
                    // Beyond the limit, bytes are read and dropped: the endpoint sees one too many and answers 413.
                    int keep = Math.min(n, maxBytes + 1 - body.size());
                    if (keep > 0) {
                        body.write(chunk, 0, keep);
                    }
                }
            }

            @Override
            public void onAllDataRead() {
                if (settled.compareAndSet(false, true)) {
                    request.setAttribute(BODY, body.toByteArray());
                    async.dispatch();
                }
            }

            @Override
            public void onError(Throwable failure) {
                settleWithoutBody(request, response, async, settled);
            }
        });
    }

    /**
     * The body did not arrive whole (within the deadline; or a read timed out, the client
     * half-closed or broke the connection). Whoever is still listening learns it was their request, never a server error:
     * without an answer written here, the container would answer 500.
     */
    private static void settleWithoutBody(HttpServletRequest request, HttpServletResponse response, AsyncContext async,
            AtomicBoolean settled) {
        if (settled.compareAndSet(false, true)) {
            try {
                refuse(request, response, HttpServletResponse.SC_REQUEST_TIMEOUT);
            } catch (IOException | RuntimeException clientGone) {
                // Nobody is left to answer.
            }
            async.complete();
        }
    }

    /** In the path's own terms: OCSP's malformedRequest under /ocsp, a short text elsewhere. */
    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        // What is left of the body is not read: the connection cannot carry another request.
        response.setHeader("Connection", "close");
        Refusals.write(request.getRequestURI(), status, response);
    }

    /** The request, with the body already read. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body is read already");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
