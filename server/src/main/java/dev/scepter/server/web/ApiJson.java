package dev.scepter.server.web;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * The API's JSON, in one place: how request bodies are bound (strictly) and what a client is
 * told when its body does not bind. Spring MVC uses {@link #mapper()} for every API body; a unit
 * test (or a fuzz test) binds the same way with {@code ApiJson.mapper().readValue(bytes, type)}
 * and {@link #describe(JacksonException)}.
 *
 * <p>Strict means (RFC 8259 leaves these to the receiver): a value of the wrong JSON type is
 * refused, never coerced (no {@code "1"} for a number, no {@code 1} for a string or a boolean, no
 * {@code 1.5} for an integer); one document per body (nothing after it); a key at most once per
 * object (section 4); no field the body does not define; no control character (Unicode category
 * Cc, raw or escaped) and no unpaired surrogate in a string (section 8.2); shallow nesting.
 */
public final class ApiJson {

    /** Our bodies are flat objects; a deep document is an attack on the parser, not a request. */
    static final int MAX_NESTING_DEPTH = 16;
    /** A number longer than this is not a count, a reason code or a number of minutes. */
    static final int MAX_NUMBER_LENGTH = 20;

    private static final JsonMapper MAPPER = configure(JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).maxNumberLength(MAX_NUMBER_LENGTH).build())
            .build())).build();

    private ApiJson() {
    }

    /** The API's mapper: strict for what it reads; problem details written as RFC 9457 members. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** Applies the API's rules to a builder (the stream constraints live on the factory; see {@link #mapper()}). */
    static JsonMapper.Builder configure(JsonMapper.Builder builder) {
        SimpleModule strings = new SimpleModule("api-strings");
        strings.addDeserializer(String.class, new PrintableStringDeserializer());
        return builder
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // Every coercion between JSON's scalar types is refused, whatever the target.
                .withCoercionConfigDefaults(config -> config.setAcceptBlankAsEmpty(false)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Textual, config -> config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, config -> config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, config -> config
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Float, config -> config
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .addModule(strings)
                .addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class);
    }

    /**
     * What the client is told when its body does not bind: our words, naming the field, never the
     * parser's message (which names classes).
     */
    public static String describe(JacksonException e) {
        Optional<String> field = field(e);
        String name = field.map(f -> "\"" + f + "\"").orElse("The body");
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "\"" + unknown.getPropertyName() + "\" is not a field of this body.";
        }
        String original = String.valueOf(e.getOriginalMessage());
        if (original.startsWith("Duplicate Object property")) {
            return name + " appears more than once; each field may appear once.";
        }
        if (original.startsWith("Trailing token")) {
            return "The body holds more than one JSON document; send exactly one object.";
        }
        if (e instanceof StreamConstraintsException) {
            return "The body nests deeper or has longer numbers than this API accepts.";
        }
        if (e instanceof UnexpectedEndOfInputException) {
            return "The body ends before its JSON document does.";
        }
        if (e instanceof InputCoercionException) {
            return name + " is out of range.";
        }
        if (e instanceof InvalidNullException) {
            return name + " must not be null.";
        }
        if (e instanceof UnprintableStringException) {
            return name + " holds a control character or an unpaired surrogate.";
        }
        if (e instanceof MismatchedInputException mismatch) {
            if (field.isEmpty()) {
                return "The body must be a JSON object.";
            }
            return name + " must be " + expected(mismatch.getTargetType()) + ".";
        }
        if (e instanceof StreamReadException) {
            if (original.contains("CTRL-CHAR")) {
                return name + " holds a control character or an unpaired surrogate.";
            }
            return "The body is not valid JSON" + field.map(f -> " (at \"" + f + "\")").orElse("")
                    + location(e) + ".";
        }
        return "The body cannot be read as this route's JSON.";
    }

    /** The field the problem is in: from the path the binder recorded, else from where the parser stopped. */
    private static Optional<String> field(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        if (!path.isEmpty()) {
            return Optional.of(path.toString());
        }
        if (e.processor() instanceof JsonParser parser) {
            TokenStreamContext context = parser.streamReadContext();
            if (context != null && context.currentName() != null) {
                return Optional.of(context.currentName());
            }
        }
        return Optional.empty();
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : ", line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another JSON type";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == Short.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type) || type == List.class) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "of another JSON type";
    }

    /** A string the API refuses although JSON allows it. */
    private static final class UnprintableStringException extends InvalidFormatException {

        UnprintableStringException(JsonParser p, String value) {
            super(p, "a control character or an unpaired surrogate", value, String.class);
        }
    }

    /** Strings without control characters (Cc, RFC 8259 section 7 escapes them, we refuse them) and well-formed UTF-16. */
    private static final class PrintableStringDeserializer extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
            String value = super.deserialize(p, ctxt);
            if (value != null && !printable(value)) {
                throw new UnprintableStringException(p, value);
            }
            return value;
        }

        static boolean printable(String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.getType(c) == Character.CONTROL) {
                    return false;
                }
                if (Character.isHighSurrogate(c)) {
                    if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                        return false;
                    }
                    i++;
                } else if (Character.isLowSurrogate(c)) {
                    return false;
                }
            }
            return true;
        }
    }
}
