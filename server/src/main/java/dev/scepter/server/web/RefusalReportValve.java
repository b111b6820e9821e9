package dev.scepter.server.web;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's error report for what it refuses before the application sees the request (a URI whose
 * %-escapes do not decode, a malformed or oversized header): instead of Tomcat's HTML page, the
 * answer of the path's protocol ({@link Refusals}). Errors inside the application are answered
 * by the application's error page before this valve is reached.
 */
public final class RefusalReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        try {
            response.setSuspended(false);
            Refusals.write(request.getRequestURI(), status, response.getResponse());
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response is committed: nothing left to say.
        }
    }
}
