package dev.scepter.server.ocsp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** Which conditional GETs the OCSP servlet answers 304 (RFC 9110 section 13.1.2). */
class OcspServletTest {

    private static final String TAG = "\"0a1b2c\"";

    private static MockHttpServletRequest get(String... ifNoneMatch) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ocsp/MEow");
        for (String line : ifNoneMatch) {
            request.addHeader("If-None-Match", line);
        }
        return request;
    }

    @Test
    void theAnswersOwnTagAWeakFormOfItOrAStarIsNotModified() {
        assertThat(OcspServlet.notModified(get(TAG), TAG)).isTrue();
        assertThat(OcspServlet.notModified(get("W/" + TAG), TAG)).as("weak comparison").isTrue();
        assertThat(OcspServlet.notModified(get("*"), TAG)).isTrue();
        assertThat(OcspServlet.notModified(get("\"other\", " + TAG), TAG)).as("in a list").isTrue();
        assertThat(OcspServlet.notModified(get("\"other\"", TAG), TAG)).as("on a second header line").isTrue();
    }

    @Test
    void anotherTagNoTagOrOnlyADateGetsTheAnswer() {
        assertThat(OcspServlet.notModified(get("\"other\""), TAG)).isFalse();
        assertThat(OcspServlet.notModified(get("\"0a1b2\""), TAG)).as("a prefix is another tag").isFalse();
        assertThat(OcspServlet.notModified(get("0a1b2c"), TAG)).as("unquoted is another tag").isFalse();
        assertThat(OcspServlet.notModified(get(), TAG)).isFalse();
        MockHttpServletRequest byDate = get();
        byDate.addHeader("If-Modified-Since", "Sun, 06 Dec 2099 08:00:00 GMT");
        assertThat(OcspServlet.notModified(byDate, TAG)).as("a date alone is not honoured: an answer may change within its second")
                .isFalse();
    }
}
