package dev.scepter.protocol.ocsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The path of {@code GET /ocsp/{base64}} (RFC 6960 appendix A.1), in every form clients send it. */
class OcspGetPathTest {
    private static byte[] request;
    private static String base64;

    @BeforeAll
    static void aRealRequest() {
        // Nonces are random: build until the base64 has every awkward character.
        do {
            request = OcspRequests.openSslLike().build();
            base64 = Base64.getEncoder().encodeToString(request);
        } while (!(base64.contains("+") && base64.contains("/") && base64.endsWith("=")));
    }

    interface Encoding {
        String apply(String base64);
    }

    static Stream<Arguments> encodings() {
        return Stream.of(
                Arguments.of("raw base64, + / = unescaped", (Encoding) b64 -> b64),
                Arguments.of("raw, after a leading /", (Encoding) b64 -> "/" + b64),
                Arguments.of("raw, after a doubled leading /", (Encoding) b64 -> "//" + b64),
                Arguments.of("after a percent-encoded leading /", (Encoding) b64 -> "%2f" + b64),
                Arguments.of("percent-encoded %2B %2F %3D, as OpenSSL and Windows send it", (Encoding) b64 -> "/" + URLEncoder.encode(b64, StandardCharsets.UTF_8)),
                Arguments.of("percent-encoded in lower case", (Encoding) b64 -> b64.replace("+", "%2b").replace("/", "%2f").replace("=", "%3d")),
                Arguments.of("only some characters percent-encoded", (Encoding) b64 -> b64.replaceFirst("\\+", "%2B").replaceFirst("/", "%2F")),
                Arguments.of("+ already turned into a space", (Encoding) b64 -> b64.replace('+', ' ')),
                Arguments.of("+ turned into %20", (Encoding) b64 -> b64.replace("+", "%20")),
                Arguments.of("URL-safe alphabet", (Encoding) b64 -> b64.replace('+', '-').replace('/', '_')),
                Arguments.of("URL-safe without padding", (Encoding) b64 -> b64.replace('+', '-').replace('/', '_').replace("=", "")),
                Arguments.of("missing padding", (Encoding) b64 -> b64.replace("=", "")),
                Arguments.of("missing padding, leading /", (Encoding) b64 -> "/" + b64.replace("=", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodings")
    void decodesTheSameRequest(String name, Encoding encoding) throws Exception {
        byte[] decoded = OcspGetPath.decode(encoding.apply(base64));

        assertThat(decoded).isEqualTo(request);
        assertThat(OcspRequestDecoder.decode(decoded).certificateIds()).hasSize(1);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullSource
    @ValueSource(strings = {"", "/", "//", "%2F", "MEIw%", "MEIw%2", "MEIw%zz", "ME!w", "MEIwQ", "{base64}", "MEIw?x=1"})
    void isMalformed(String path) {
        assertThatThrownBy(() -> OcspGetPath.decode(path)).isExactlyInstanceOf(MalformedOcspRequestException.class);
    }

    @Test
    void aPathTooLongForAnyRequestIsMalformedBeforeDecoding() {
        String huge = "A".repeat(1 << 20);

        assertThatThrownBy(() -> OcspGetPath.decode(huge)).isExactlyInstanceOf(MalformedOcspRequestException.class);
    }

    @Test
    void base64ThatIsNoRequestIsTheDecodersToRefuse() throws Exception {
        byte[] decoded = OcspGetPath.decode("AAAA");

        assertThat(decoded).containsExactly(0, 0, 0);
        assertThatThrownBy(() -> OcspRequestDecoder.decode(decoded)).isExactlyInstanceOf(MalformedOcspRequestException.class);
    }
}
