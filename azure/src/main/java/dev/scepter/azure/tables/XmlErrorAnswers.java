package dev.scepter.azure.tables;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Table Storage answers most errors in JSON, but the storage front end refuses a credential
 * (403, 401) in XML, which azure-core reads only with jackson-dataformat-xml on the class path:
 * without it, it throws a {@link LinkageError} that no caller expects, and a refused managed
 * identity would reach a device as HTTP 500. This policy hands azure-core such an answer with its
 * status and headers and an empty JSON body instead, so that it is a {@code TableServiceException}
 * with the status, which the adapter answers as an outage ("try later", the status in the reason).
 */
final class XmlErrorAnswers implements HttpPipelinePolicy {

    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return next.process().map(XmlErrorAnswers::readable);
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        return readable(next.processSync());
    }

    private static HttpResponse readable(HttpResponse response) {
        String type = response.getHeaderValue(HttpHeaderName.CONTENT_TYPE);
        if (response.getStatusCode() < 400 || type == null || !type.toLowerCase(Locale.ROOT).contains("xml")) {
            return response;
        }
        response.close();
        return new EmptyJsonError(response);
    }

    private static final class EmptyJsonError extends HttpResponse {
        private final int status;
        private final HttpHeaders headers;

        EmptyJsonError(HttpResponse refused) {
            super(refused.getRequest());
            this.status = refused.getStatusCode();
            this.headers = new HttpHeaders(refused.getHeaders()).set(HttpHeaderName.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderName.CONTENT_LENGTH, Integer.toString(EMPTY_JSON.length));
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.just(ByteBuffer.wrap(EMPTY_JSON));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(EMPTY_JSON.clone());
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.just("{}");
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.just("{}");
        }
    }
}
