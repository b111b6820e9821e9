package dev.scepter.installer.local;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.installer.InstallationException;
import dev.scepter.keys.Pkcs12CaSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code certmaster-client.json}: Certificate Master's own bearer token for the core's API
 * (a secret file, 0600), its name in the token store, and the roles it holds.
 */
record CertMasterClient(String name, String token, Set<ApiRole> roles) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static CertMasterClient read(Path file) throws InstallationException {
        try {
            JsonNode json = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            String name = json.path("name").asString("");
            String token = json.path("token").asString("");
            if (name.isEmpty() || token.isEmpty()) {
                throw new InstallationException(file + " lacks \"name\" or \"token\": delete it and run again to create a new credential.");
            }
            Set<ApiRole> roles = EnumSet.noneOf(ApiRole.class);
            json.path("roles").forEach(r -> ApiRole.fromValue(r.asString("")).ifPresent(roles::add));
            return new CertMasterClient(name, token, roles);
        } catch (IOException | JacksonException e) {
            throw new InstallationException("cannot read " + file + ": " + e.getMessage()
                    + "; delete it and run again to create a new credential.", e);
        }
    }

    static void write(Path file, CertMasterClient client) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("name", client.name());
        json.put("token", client.token());
        client.roles().stream().map(ApiRole::value).sorted().forEach(json.putArray("roles")::add);
        Pkcs12CaSigner.writeSecret(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    }
}
