package dev.scepter.protocol.scep;

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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The message parameter of a GET PKIOperation (RFC 8894 section 4.1), in every form clients send it. */
class ScepMessageParameterTest {
    private static byte[] request;
    private static String base64;

    @BeforeAll
    static void aRealRequest() {
        // Nonces and keys are random: build until the base64 has every awkward character.
        do {
            request = ScepRequestBuilder.pkcsReq().build();
            base64 = Base64.getEncoder().encodeToString(request);
        } while (!(base64.contains("+") && base64.contains("/") && base64.endsWith("=")));
    }

    static Stream<Arguments> encodings() {
        return Stream.of(
                Arguments.of("raw base64, + / = unescaped", (Encoding) b64 -> b64),
                Arguments.of("percent-encoded %2B %2F %3D", (Encoding) b64 -> URLEncoder.encode(b64, StandardCharsets.UTF_8)),
                Arguments.of("percent-encoded in lower case", (Encoding) b64 -> b64.replace("+", "%2b").replace("/", "%2f").replace("=", "%3d")),
                Arguments.of("every character percent-encoded", (Encoding) ScepMessageParameterTest::percentEncodeAll),
                Arguments.of("+ already turned into a space", (Encoding) b64 -> b64.replace('+', ' ')),
                Arguments.of("URL-safe alphabet", (Encoding) b64 -> b64.replace('+', '-').replace('/', '_')),
                Arguments.of("URL-safe without padding", (Encoding) b64 -> b64.replace('+', '-').replace('/', '_').replace("=", "")),
                Arguments.of("missing padding", (Encoding) b64 -> b64.replace("=", "")),
                Arguments.of("MIME line breaks", (Encoding) b64 -> Base64.getMimeEncoder().encodeToString(request)),
                Arguments.of("LF line breaks, percent-encoded", (Encoding) b64 -> URLEncoder.encode(
                        Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(request), StandardCharsets.UTF_8)),
                Arguments.of("mixed: %2B, raw /, a space", (Encoding) b64 -> b64.replaceFirst("\\+", "%2B").replaceFirst("\\+", " ")));
    }

    interface Encoding {
        String apply(String base64);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodings")
    void decodesTheSameRequest(String name, Encoding encoding) throws Exception {
        byte[] decoded = ScepMessageParameter.decode(encoding.apply(base64));

        assertThat(decoded).isEqualTo(request);
        assertThat(PkiMessageDecoder.decode(decoded).signatureValid()).isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "====", "\r\n", "A", "ABCDE", "%", "%2", "%G1", "abc!", "ab*c", "ab.c", "%00AAAA"})
    void refusesWhatIsNotBase64(String raw) {
        assertThatThrownBy(() -> ScepMessageParameter.decode(raw)).isExactlyInstanceOf(MalformedScepMessageException.class);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "operation=PKIOperation&message=AB+C/D==   | message   | AB+C/D==",
            "?operation=PKIOperation&message=AB%2BC    | message   | AB%2BC",
            "message=first&message=second              | message   | first",
            "operation=GetCACert                       | operation | GetCACert",
            "Operation=GetCACaps&Message=x             | operation | GetCACaps",
            "mess%61ge=x+y                             | message   | x+y",
            "operation=PKIOperation&message            | message   | ''",
            "operation=PKIOperation&message=           | message   | ''",
            "operation=GetCACert&&                     | message   | NULL",
            "''                                        | message   | NULL",
            "messages=x                                | message   | NULL"})
    void extractsTheRawValue(String query, String name, String expected) {
        assertThat(ScepMessageParameter.value(query, name)).isEqualTo(expected);
    }

    @Test
    void aNullQueryHasNoParameters() {
        assertThat(ScepMessageParameter.value(null, "message")).isNull();
    }

    @Test
    void valueThenDecodeIsTheGetPath() throws Exception {
        String query = "operation=PKIOperation&message=" + base64;

        assertThat(ScepMessageParameter.decode(ScepMessageParameter.value(query, "message"))).isEqualTo(request);
    }

    private static String percentEncodeAll(String text) {
        StringBuilder encoded = new StringBuilder();
        for (char c : text.toCharArray()) {
            encoded.append(String.format("%%%02X", (int) c));
        }
        return encoded.toString();
    }
}
