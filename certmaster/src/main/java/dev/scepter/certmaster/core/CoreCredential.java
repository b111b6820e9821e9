package dev.scepter.certmaster.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Certificate Master's own bearer token for the core's API, from {@code certmaster-client.json}
 * (written by the installer, 0600). The token is never logged nor shown: {@link #toString()}
 * names the client only.
 */
public record CoreCredential(String name, String token) {

    public static CoreCredential read(Path file) {
        try {
            JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file, StandardCharsets.UTF_8));
            String name = json.path("name").asString("");
            String token = json.path("token").asString("");
            if (name.isEmpty() || token.isEmpty()) {
                throw new IllegalStateException(file + " lacks \"name\" or \"token\"; delete it and run bin/scepter serve once to create a new one.");
            }
            return new CoreCredential(name, token);
        } catch (IOException | JacksonException e) {
            throw new IllegalStateException("cannot read Certificate Master's API credential " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "CoreCredential[" + name + "]";
    }
}
