package dev.scepter.server.api;

import dev.scepter.authority.audit.PortalSignIns;
import dev.scepter.server.security.ApiCaller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/manage/audit/sign-in}: Certificate Master reports a sign-in (successful or
 * refused) to the core's audit trail, so that the one trail has who signed in, how, from where
 * and when, beside what they then did. Only a caller with CSR.Request (the portal's role) may.
 */
@RestController
public final class SignInAuditController {

    /** What the portal reports; {@code reason} only for a refusal. */
    public record SignInBody(String user, String method, String address, Boolean succeeded, String reason) {
    }

    private final PortalSignIns signIns;

    public SignInAuditController(PortalSignIns signIns) {
        this.signIns = signIns;
    }

    @Operation(summary = "Record a sign-in to Certificate Master in the audit trail (role CSR.Request: the portal's)")
    @ApiResponse(responseCode = "204", description = "Recorded as \"certmaster.sign-in\", the actor \"{user} through API user {caller}\""
            + " (a refusal: \"attempted name \\\"{user}\\\" through API user {caller}\")")
    @ApiResponse(responseCode = "400", description = "A field is missing, too long or not one line; the user has format or"
            + " bidirectional characters or \" through API user \"; method is not password or oidc")
    @ApiResponse(responseCode = "429", description = "More than 60 refused sign-ins this minute from this caller (the portal aggregates them)")
    @PostMapping("/api/manage/audit/sign-in")
    public ResponseEntity<Void> signIn(@RequestBody SignInBody body, @AuthenticationPrincipal(errorOnInvalidType = true) ApiCaller caller) {
        if (body == null || body.succeeded() == null) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "succeeded (true or false) is required.");
        }
        try {
            signIns.record(caller.name(), body.user(), body.method(), body.address(), body.succeeded(), body.reason());
        } catch (PortalSignIns.TooMany e) {
            throw new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, e.getMessage() + ".");
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, e.getMessage() + ".");
        }
        return ResponseEntity.noContent().build();
    }
}
