package dev.scepter.azure.tables;

import com.azure.core.exception.HttpResponseException;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import dev.scepter.authority.store.StoreUnavailableException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the table adapters share: keys Table Storage accepts, OData filter literals, times, and
 * the line between a client's answer (404, 409, 412: the caller decides) and an outage.
 */
final class Tables {

    static final String CERTIFICATES = "Certificates";
    static final String API_TOKENS = "ApiTokens";
    static final String ONE_TIME_CHALLENGES = "OneTimeChallenges";
    static final String AUDIT_LOG = "AuditLog";
    static final String EMBEDDED_DIRECTORY = "EmbeddedDirectory";
    static final String ACME = "Acme";

    /** Every table this storage keeps, created by {@link TableStorage#createTablesIfMissing()}. */
    static final List<String> ALL = List.of(CERTIFICATES, API_TOKENS, ONE_TIME_CHALLENGES, AUDIT_LOG, EMBEDDED_DIRECTORY, ACME);

    private Tables() {
    }

    /**
     * A value as a partition or row key: Table Storage refuses {@code / \ # ?} and control
     * characters in keys, so those (and {@code %}, to keep the encoding reversible) are
     * percent-encoded; everything else stays readable in Storage Explorer.
     */
    static String key(String value) {
        StringBuilder key = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '\\' || c == '#' || c == '?' || c == '%' || c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                key.append('%').append(String.format("%02X", (int) c));
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    /** A string literal of an OData filter: single quotes doubled. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static String eq(String property, String value) {
        return property + " eq " + literal(value);
    }

    /** Times are kept to the microsecond, as the SQL stores keep them. */
    static OffsetDateTime time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    static Instant instant(TableEntity entity, String property) {
        Object value = entity.getProperty(property);
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        return OffsetDateTime.parse(value.toString()).toInstant();
    }

    static String string(TableEntity entity, String property) {
        Object value = entity.getProperty(property);
        return value == null ? null : value.toString();
    }

    static boolean bool(TableEntity entity, String property) {
        Object value = entity.getProperty(property);
        return value instanceof Boolean b ? b : value != null && Boolean.parseBoolean(value.toString());
    }

    static int integer(TableEntity entity, String property) {
        Object value = entity.getProperty(property);
        return value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString());
    }

    static byte[] bytes(TableEntity entity, String property) {
        Object value = entity.getProperty(property);
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] b) {
            return b;
        }
        return java.util.Base64.getDecoder().decode(value.toString());
    }

    /** Whether Table Storage answered with this status: the caller's case, not an outage. */
    /** The update, if nobody changed the entity since it was read (its ETag); false when somebody did. */
    static boolean updateIfUnchanged(TableClient table, TableEntity entity) {
        try {
            table.updateEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, true, null, null);
            return true;
        } catch (RuntimeException e) {
            if (status(e, 412)) {
                return false;
            }
            throw e;
        }
    }

    static boolean status(RuntimeException e, int status) {
        return e instanceof HttpResponseException http && http.getResponse() != null && http.getResponse().getStatusCode() == status;
    }

    /** Every entity the filter selects, following Table Storage's continuation tokens page by page. */
    static List<TableEntity> list(TableClient table, String filter, List<String> select) {
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(filter);
        if (select != null) {
            options.setSelect(select);
        }
        List<TableEntity> entities = new ArrayList<>();
        table.listEntities(options, null, null).forEach(entities::add);
        return entities;
    }

    /**
     * Hands each entity to {@code visitor} as its page arrives ({@value #PAGE} at most a page,
     * Table Storage's largest), keeping none: for reading a whole partition's few columns.
     */
    static void forEach(TableClient table, String filter, List<String> select, java.util.function.Consumer<TableEntity> visitor) {
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(filter).setTop(PAGE);
        if (select != null) {
            options.setSelect(select);
        }
        table.listEntities(options, null, null).forEach(visitor);
    }

    /** Entities in one answer of Table Storage's, at most. */
    static final int PAGE = 1000;

    /**
     * An outage as the storage port says it: a failure that is no answer of Table Storage's to
     * this request (connection refused, timeout, 5xx, 429 after the retries, a credential
     * refused), with a message that names the table and the reason and no key.
     */
    static StoreUnavailableException unavailable(String table, RuntimeException e) {
        if (e instanceof StoreUnavailableException already) {
            return already;
        }
        String reason;
        if (e instanceof TableServiceException service && service.getResponse() != null) {
            int status = service.getResponse().getStatusCode();
            String code = service.getValue() != null && service.getValue().getErrorCode() != null ? service.getValue().getErrorCode().toString() : null;
            // The callers take an entity's 404 as "not found" themselves: a 404 that reaches here is the table's.
            reason = status == 404
                    ? "the table " + table + " does not exist (complete-installation creates it)"
                    : "HTTP " + status + (code != null ? " " + code : "");
        } else if (e instanceof HttpResponseException http && http.getResponse() != null) {
            int status = http.getResponse().getStatusCode();
            reason = status == 404 ? "the table " + table + " does not exist (complete-installation creates it)" : "HTTP " + status;
        } else {
            reason = rootMessage(e);
        }
        return new StoreUnavailableException("Azure Table Storage cannot answer (" + table + "): " + reason, e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message != null ? ": " + message : "");
    }

    /**
     * Runs a read or write: a failure is an outage, except an answer the work itself decided on
     * ({@link #refuse}), which reaches the caller as it is.
     */
    static <T> T call(Guard guard, String table, Supplier<T> work) {
        guard.check(table);
        try {
            return work.get();
        } catch (Refusal e) {
            throw e.answer;
        } catch (RuntimeException e) {
            // Only what Table Storage or the way to it did is an outage; a fault of ours stays one, not a "try later".
            if (isOutage(e)) {
                throw unavailable(table, e);
            }
            throw refusedRequest(table, e).<RuntimeException>map(refused -> refused).orElse(e);
        }
    }

    /**
     * Whether the failure came from the service or the network: an I/O failure, a timeout, an
     * answer that says "later" (408, 429, 5xx), or one about this instance's access that an
     * administrator fixes outside the code (401, 403; 404 for a table not created yet). Any other
     * 4xx (400 for an entity too large or a bad filter, 405, 413, ...) is a request of ours that
     * Table Storage will refuse however often it is sent: a bug, not a "try later".
     */
    static boolean isOutage(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof HttpResponseException http && http.getResponse() != null) {
                return outageStatus(http.getResponse().getStatusCode());
            }
            if (cause instanceof com.azure.core.exception.AzureException || cause instanceof java.io.IOException
                    || cause instanceof java.io.UncheckedIOException || cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof StoreUnavailableException) {
                return true;
            }
        }
        // Reactor's block() says a timeout with a bare IllegalStateException.
        return failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).startsWith("Timeout on blocking read");
    }

    static boolean outageStatus(int status) {
        return status == 408 || status == 429 || status >= 500 || status == 401 || status == 403 || status == 404;
    }

    /**
     * A request Table Storage refused as malformed, as a fault of ours: the table, the status and
     * the service's error code and message, and no cause (its request line may carry a SAS).
     */
    static Optional<IllegalStateException> refusedRequest(String table, RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof HttpResponseException http && http.getResponse() != null) {
                int status = http.getResponse().getStatusCode();
                String detail = "";
                if (http instanceof TableServiceException service && service.getValue() != null) {
                    detail = (service.getValue().getErrorCode() != null ? " " + service.getValue().getErrorCode() : "")
                            + (service.getValue().getErrorMessage() != null ? ": " + firstLine(service.getValue().getErrorMessage()) : "");
                }
                return Optional.of(new IllegalStateException("Azure Table Storage refused a request of Scepter's (" + table + "): HTTP "
                        + status + detail + " (a fault of Scepter's, not an outage: retrying will not help; please report it)"));
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    /** The caller's own answer, thrown from inside {@link #call} (a collision, a name taken, a bad value). */
    static Refusal refuse(RuntimeException answer) {
        return new Refusal(answer);
    }

    static final class Refusal extends RuntimeException {
        private final RuntimeException answer;

        private Refusal(RuntimeException answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    /** Whether the storage is open: after {@link TableStorage#close()} every call fails rather than answering. */
    static final class Guard {
        private volatile boolean closed;

        void close() {
            closed = true;
        }

        boolean closed() {
            return closed;
        }

        void check(String table) {
            if (closed) {
                throw new StoreUnavailableException("Azure Table Storage (" + table + "): the storage is closed", null);
            }
        }
    }
}
