package dev.scepter.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code appsettings.json}: a flat JSON object of setting name to string value, the local twin of
 * an App Service's application settings.
 */
public final class AppSettingsFile {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private AppSettingsFile() {
    }

    /** Reads the file; a missing file is an empty map. */
    public static Map<String, String> read(Path file) throws InvalidSettingException {
        Map<String, String> values = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return values;
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new InvalidSettingException(file + where(e.getLocation()) + ": not JSON (" + reason(e) + "). Each setting is "
                    + "\"Name\": \"value\", in double quotes, separated by commas, inside one { }.");
        } catch (IOException e) {
            throw new InvalidSettingException(file + ": not readable (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSettingException(file + ": must hold one JSON object of setting name to string value");
        }
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            JsonNode value = field.getValue();
            if (value.isObject() || value.isArray()) {
                throw new InvalidSettingException(file + ": " + field.getKey()
                        + " must be a string (write nested names as AppConfig:Section:Name)");
            }
            values.put(field.getKey(), value.isNull() ? "" : value.asString());
        }
        return values;
    }

    /** Writes the file atomically, so that a crash never leaves half a settings file. */
    public static void write(Path file, Map<String, String> values) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        values.forEach(root::put);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        // Settings hold secrets (challenges, passwords, backed-up keys): the file keeps the mode an
        // admin gave it, and a new one is the owner's only.
        java.util.Set<java.nio.file.attribute.PosixFilePermission> mode = Files.exists(file)
                ? Files.getPosixFilePermissions(file) : java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        Files.createFile(temp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(mode));
        Files.writeString(temp, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Where the parser stopped, as an editor counts: line and column from 1. */
    private static String where(TokenStreamLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : " line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The parser's words without its own location (given before) or class names. */
    private static String reason(JacksonException e) {
        String message = firstLine(e.getOriginalMessage());
        if (message.startsWith("Trailing token")) {
            // Jackson names its own feature and classes here; the admin needs to know where the object ended.
            return "more after the closing } of the settings object";
        }
        for (String cut : new String[] {" (start marker at", " at [Source", "[Source:"}) {
            int at = message.indexOf(cut);
            if (at >= 0) {
                message = message.substring(0, at);
            }
        }
        return message.strip();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
