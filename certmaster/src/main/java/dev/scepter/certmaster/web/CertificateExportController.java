package dev.scepter.certmaster.web;

import dev.scepter.certmaster.core.CertificateSummary;
import dev.scepter.certmaster.core.CoreApi;
import dev.scepter.certmaster.core.CoreRefusal;
import dev.scepter.certmaster.core.CoreUnavailable;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code GET /certificates/export.csv}: the whole result of a search (the same filters as the
 * page), as CSV, streamed page by page from the core's search so that no more than one page is
 * held at a time, up to {@link #MAX_ROWS}. Cells that a spreadsheet would read as a formula are
 * defused ({@link #cell}).
 */
@Controller
public class CertificateExportController {

    /** The most certificates one export holds: a narrower search exports the rest. */
    static final int MAX_ROWS = 10_000;
    static final int PAGE_SIZE = 500;
    static final List<String> HEADER = List.of("serialNumber", "thumbprint", "subject", "sans", "state", "issuanceDate", "expirationDate", "revocationDate",
            "revocationReason", "revokedBy", "requester", "source", "certificateType", "boundObject");

    private final CoreApi core;

    public CertificateExportController(CoreApi core) {
        this.core = core;
    }

    @GetMapping("/certificates/export.csv")
    public void export(@RequestParam(name = "q", required = false) String text, @RequestParam(name = "validity", required = false) String validity,
            @RequestParam(name = "type", required = false) String type, @RequestParam(name = "endpoint", required = false) String endpoint,
            @RequestParam(name = "expires", required = false) String expires, HttpServletResponse response) throws IOException {
        Search search = Search.of(text, validity, type, endpoint, expires);
        if (search.problem().isPresent()) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, search.problem().get());
            return;
        }
        // The first page before any byte is sent: a refusal or an outage is still an error page, not a broken file.
        CoreApi.SearchResult page;
        try {
            page = core.search(search.filters(), Optional.empty(), PAGE_SIZE);
        } catch (CoreRefusal refusal) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, refusal.detail());
            return;
        }
        response.setContentType("text/csv; charset=utf-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"certificates.csv\"");
        response.setHeader("Cache-Control", "no-store");
        PrintWriter out = response.getWriter();
        // A byte order mark, so that spreadsheets read the names as UTF-8.
        out.write('\uFEFF');
        out.write(row(HEADER));
        Instant now = Instant.now();
        int rows = 0;
        while (true) {
            for (CertificateSummary c : page.items()) {
                if (rows == MAX_ROWS) {
                    out.write(row(List.of("(more than " + MAX_ROWS + " certificates match: narrow the search to export the rest)")));
                    out.flush();
                    return;
                }
                out.write(row(List.of(c.serialNumber(), c.thumbprint().orElse(""), c.subject(), String.join(" ", c.sans()), c.status(now), c.issuanceDate().toString(),
                        c.expirationDate().toString(), c.revocationDate().map(Instant::toString).orElse(""),
                        c.revocationReasonName().orElse(""), c.revokedBy().orElse(""), c.requester(), c.source(), c.certificateType(),
                        c.boundObject().orElse(""))));
                rows++;
            }
            out.flush();
            if (page.continuationToken().isEmpty()) {
                return;
            }
            try {
                page = core.search(search.filters(), page.continuationToken(), PAGE_SIZE);
            } catch (CoreRefusal | CoreUnavailable e) {
                // Headers are sent: the file itself says it is incomplete.
                out.write(row(List.of("(export incomplete: the CA stopped answering after " + rows + " certificates)")));
                out.flush();
                return;
            }
        }
    }

    static String row(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(cell(cells.get(i)));
        }
        return line.append("\r\n").toString();
    }

    /**
     * One CSV cell (RFC 4180), always quoted. A value that starts with {@code = + - @}, a tab or a
     * carriage return would be taken for a formula by a spreadsheet (CSV injection: a subject or
     * SAN is the requester's choice): it gets a leading apostrophe, as OWASP recommends.
     */
    static String cell(String value) {
        String text = value == null ? "" : value;
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
