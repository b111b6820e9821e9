package dev.scepter.server.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The application's error page ({@code /error}), in place of Spring Boot's: a request that Spring
 * refused before a controller (no handler, a method the route does not take) or that failed
 * outside a controller is answered in its path's terms ({@link Refusals}): an unknown page is a
 * 404 that a browser shows as a page of ours, with the way back to the homepage.
 */
@Controller
public final class RefusalErrorController implements ErrorController {

    @RequestMapping("/error")
    public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        Refusals.write(path == null ? request.getRequestURI() : path.toString(), status instanceof Integer code ? code : 500,
                request.getHeader("Accept"), response);
    }
}
