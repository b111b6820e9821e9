package dev.scepter.certmaster.web;

import dev.scepter.certmaster.core.CoreUnavailable;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** The CA's API did not answer as it should: a page that says so, the reason in the log for the operator. */
@ControllerAdvice
public class CoreUnavailableAdvice {

    private static final Logger LOG = LoggerFactory.getLogger(CoreUnavailableAdvice.class);

    @ExceptionHandler(CoreUnavailable.class)
    public String unavailable(CoreUnavailable e, HttpServletResponse response) {
        LOG.warn("Certificate Master: {}", e.getMessage());
        response.setStatus(HttpServletResponse.SC_BAD_GATEWAY);
        return "unavailable";
    }
}
