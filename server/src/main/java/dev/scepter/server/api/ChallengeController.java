package dev.scepter.server.api;

import dev.scepter.authority.enrollment.OneTimeChallenges;
import dev.scepter.server.scep.ScepEndpoints;
import dev.scepter.server.security.ApiCaller;
import dev.scepter.settings.DbCsrSettings;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/challenges} (role {@code Challenge.Create}, declared in the route table):
 * mints a one-time SCEP challenge, optionally for one subject, for the endpoints whose
 * {@code AllowDynamicChallenges} is true. When no endpoint that serves accepts one, the call is
 * refused (409) naming the settings: a challenge minted anyway would fail its enrollment with a
 * bare CertRep badRequest (RFC 8894 section 3.2.1.4.5), far from the cause.
 */
@RestController
public final class ChallengeController {

    /** The body: both optional. */
    public record ChallengeBody(String subject, Integer validityMinutes) {
    }

    private final OneTimeChallenges challenges;
    private final boolean anyEndpointAccepts;

    public ChallengeController(OneTimeChallenges challenges, ScepEndpoints endpoints, DbCsrSettings est) {
        this.challenges = challenges;
        this.anyEndpointAccepts = endpoints.all().stream().anyMatch(endpoint -> endpoint.enabled() && endpoint.acceptsOneTimeChallenges())
                || est.enabled() && est.allowDynamicChallenges();
    }

    @Operation(summary = "Mint a one-time SCEP challenge (shown once, stored hashed)")
    @ApiResponse(responseCode = "201", description = "The challenge, its expiry and the subject it is bound to, if any")
    @ApiResponse(responseCode = "409", description = "No enabled SCEP endpoint accepts one-time challenges (AllowDynamicChallenges)")
    @PostMapping("/api/challenges")
    public ResponseEntity<Map<String, Object>> mint(@RequestBody(required = false) ChallengeBody body,
            @AuthenticationPrincipal(errorOnInvalidType = true) ApiCaller caller) {
        if (!anyEndpointAccepts) {
            throw new ApiProblem(HttpStatus.CONFLICT, "No SCEP endpoint accepts one-time challenges: set "
                    + "AppConfig:StaticValidation:AllowDynamicChallenges (or StaticAADValidation's, JamfValidation's or "
                    + "DCValidation's) to true on an endpoint that is enabled, or AppConfig:DbCSRValidation:AllowDynamicChallenges "
                    + "for EST, and restart.");
        }
        int minutes = body == null || body.validityMinutes() == null ? (int) OneTimeChallenges.DEFAULT_LIFETIME.toMinutes() : body.validityMinutes();
        if (minutes < 1 || minutes > 30 * 24 * 60) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "validityMinutes must be from 1 to 43200 (30 days).");
        }
        Optional<String> subject = Optional.ofNullable(body == null ? null : body.subject()).map(String::strip).filter(s -> !s.isEmpty());
        if (subject.isPresent() && subject.get().length() > 1024) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "subject is longer than 1024 characters.");
        }
        OneTimeChallenges.Minted minted = challenges.mint(caller.name(), subject, Duration.ofMinutes(minutes));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("challenge", minted.value());
        result.put("expiresAt", minted.expiresAt().toString());
        return ResponseEntity.status(HttpStatus.CREATED).body(result);
    }
}
