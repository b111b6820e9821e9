package dev.scepter.azure.tables;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.data.tables.models.TableServiceError;
import com.azure.data.tables.models.TableServiceException;
import dev.scepter.authority.store.StoreUnavailableException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The line between Table Storage's outage ("try later") and a request of ours it refuses (a bug that retrying never fixes). */
class TablesTest {

    private static final String SAS = "sig=c2VjcmV0LXNhcy1zaWduYXR1cmU";
    private final Tables.Guard guard = new Tables.Guard();

    @ParameterizedTest
    @ValueSource(ints = {400, 405, 409, 411, 412, 413, 416})
    void aRequestOfOursThatTableStorageRefusesIsABugNamingTheStatusNotAnOutage(int status) {
        assertThatThrownBy(() -> Tables.call(guard, Tables.CERTIFICATES, () -> {
            throw answer(status, "PropertyValueTooLarge", "The property value exceeds the maximum allowed size (64KB).\nRequestId:1");
        })).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("Azure Table Storage refused a request of Scepter's (Certificates): HTTP " + status + " PropertyValueTooLarge: "
                        + "The property value exceeds the maximum allowed size (64KB). (a fault of Scepter's, not an outage: "
                        + "retrying will not help; please report it)")
                .hasNoCause();
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504, 401, 403, 404})
    void aLaterOrAnAccessAnswerIsAnOutage(int status) {
        assertThatThrownBy(() -> Tables.call(guard, Tables.CERTIFICATES, () -> {
            throw answer(status, "ServerBusy", "Try later.");
        })).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(status == 404 ? "the table Certificates does not exist" : "HTTP " + status).hasMessageNotContaining(SAS);
    }

    @Test
    void noAnswerIsAnOutage() {
        assertThatThrownBy(() -> Tables.call(guard, Tables.CERTIFICATES, () -> {
            throw new UncheckedIOException(new ConnectException("Connection refused"));
        })).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("Connection refused");
    }

    private static TableServiceException answer(int status, String code, String message) {
        HttpRequest request = new HttpRequest(HttpMethod.POST, "https://account.table.core.windows.net/Certificates?" + SAS);
        HttpResponse response = new HttpResponse(request) {
            @Override
            public int getStatusCode() {
                return status;
            }

            @Override
            public String getHeaderValue(String name) {
                return null;
            }

            @Override
            public HttpHeaders getHeaders() {
                return new HttpHeaders();
            }

            @Override
            public Flux<ByteBuffer> getBody() {
                return Flux.empty();
            }

            @Override
            public Mono<byte[]> getBodyAsByteArray() {
                return Mono.empty();
            }

            @Override
            public Mono<String> getBodyAsString() {
                return Mono.empty();
            }

            @Override
            public Mono<String> getBodyAsString(Charset charset) {
                return Mono.empty();
            }
        };
        return new TableServiceException("Status code " + status + ", request " + request.getUrl(), response,
                new TableServiceError(code, message));
    }
}
