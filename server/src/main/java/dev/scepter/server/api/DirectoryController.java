package dev.scepter.server.api;

import dev.scepter.authority.directory.DirectoryAdministration;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.server.security.ApiCaller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/directory/devices/{guid}} and {@code /api/directory/users/{guid}}: the embedded
 * directory's devices and users (role {@code Directory.Manage}), each change audited.
 */
@RestController
public final class DirectoryController {

    /** The body of a PUT; {@code owner} is a device's registered owner, a user's object id. */
    public record DirectoryObjectBody(Boolean enabled, String name, String userPrincipalName, String onPremisesSecurityIdentifier,
            String owner) {
    }

    private final DirectoryAdministration directory;

    public DirectoryController(DirectoryAdministration directory) {
        this.directory = directory;
    }

    @Operation(summary = "Add or change a device or user (kind: devices or users) of the embedded directory")
    @ApiResponse(responseCode = "201", description = "Added")
    @ApiResponse(responseCode = "200", description = "Changed")
    @ApiResponse(responseCode = "404", description = "The embedded directory is not the one in use")
    @PutMapping("/api/directory/{kind}/{id}")
    public ResponseEntity<Map<String, Object>> put(@PathVariable String kind, @PathVariable String id,
            @RequestBody DirectoryObjectBody body, @AuthenticationPrincipal(errorOnInvalidType = true) ApiCaller caller) {
        DirectoryObjectType type = type(kind);
        UUID objectId = guid(id);
        if (body == null || body.enabled() == null) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "The body needs \"enabled\": true or false.");
        }
        Optional<String> name = Optional.ofNullable(type == DirectoryObjectType.USER ? body.userPrincipalName() : body.name())
                .filter(n -> !n.isBlank());
        if (type == DirectoryObjectType.USER && name.isEmpty()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "A user needs \"userPrincipalName\".");
        }
        Optional<String> sid = Optional.ofNullable(body.onPremisesSecurityIdentifier()).filter(s -> !s.isBlank());
        if (type == DirectoryObjectType.USER && body.owner() != null) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "Only a device has an \"owner\".");
        }
        Optional<UUID> owner = Optional.ofNullable(body.owner()).map(DirectoryController::ownerGuid);
        DirectoryAdministration.PutOutcome outcome;
        try {
            outcome = managed().put(caller.name(), new EmbeddedDirectory.Entry(type, objectId, body.enabled(), name, sid, owner));
        } catch (IllegalStateException e) {
            // Another user holds this userPrincipalName, or concurrent changes kept interfering.
            throw new ApiProblem(HttpStatus.CONFLICT, type == DirectoryObjectType.USER
                    ? "Another user has this userPrincipalName, or the user changed concurrently; check it and try again."
                    : "The device changed concurrently; try again.");
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "A name must not be blank or longer than the directory keeps, and "
                    + "\"onPremisesSecurityIdentifier\" must be a SID (S-1-5-21-...).");
        }
        // This node answers from the new state at once; others within their cache bound.
        return ResponseEntity.status(outcome == DirectoryAdministration.PutOutcome.UPDATED ? HttpStatus.OK : HttpStatus.CREATED)
                .body(view(directory.get(type, objectId).orElseThrow()));
    }

    @Operation(summary = "Read a device or user of the embedded directory")
    @ApiResponse(responseCode = "200", description = "The object")
    @ApiResponse(responseCode = "404", description = "No such object, or the embedded directory is not the one in use")
    @GetMapping("/api/directory/{kind}/{id}")
    public Map<String, Object> get(@PathVariable String kind, @PathVariable String id) {
        DirectoryObjectType type = type(kind);
        return view(managed().get(type, guid(id))
                .orElseThrow(() -> new ApiProblem(HttpStatus.NOT_FOUND, "No such " + type.name().toLowerCase() + ".")));
    }

    @Operation(summary = "Delete a device or user: its certificates are revoked for good (OCSP follows)")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "404", description = "No such object, or the embedded directory is not the one in use")
    @DeleteMapping("/api/directory/{kind}/{id}")
    public ResponseEntity<Void> delete(@PathVariable String kind, @PathVariable String id,
            @AuthenticationPrincipal(errorOnInvalidType = true) ApiCaller caller) {
        DirectoryObjectType type = type(kind);
        UUID objectId = guid(id);
        boolean deleted = managed().delete(caller.name(), type, objectId);
        if (!deleted) {
            throw new ApiProblem(HttpStatus.NOT_FOUND, "No such " + type.name().toLowerCase() + ".");
        }
        return ResponseEntity.noContent().build();
    }

    private DirectoryAdministration managed() {
        if (!directory.manages()) {
            throw new ApiProblem(HttpStatus.CONFLICT, "The embedded directory is not in use (AppConfig:Directory:Type is not Embedded).");
        }
        return directory;
    }

    private static DirectoryObjectType type(String kind) {
        return switch (kind) {
            case "devices" -> DirectoryObjectType.DEVICE;
            case "users" -> DirectoryObjectType.USER;
            default -> throw new ApiProblem(HttpStatus.NOT_FOUND, "Only devices and users live in the directory.");
        };
    }

    private static UUID guid(String id) {
        if (!id.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "Not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).");
        }
        return UUID.fromString(id);
    }

    private static UUID ownerGuid(String id) {
        if (!id.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "\"owner\" must be a user's object id, a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).");
        }
        return UUID.fromString(id);
    }

    private static Map<String, Object> view(EmbeddedDirectory.Entry entry) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", entry.objectId().toString());
        view.put("enabled", entry.enabled());
        entry.name().ifPresent(name -> view.put(entry.type() == DirectoryObjectType.USER ? "userPrincipalName" : "name", name));
        entry.securityIdentifier().ifPresent(sid -> view.put("onPremisesSecurityIdentifier", sid));
        entry.owner().ifPresent(owner -> view.put("owner", owner.toString()));
        return view;
    }
}
