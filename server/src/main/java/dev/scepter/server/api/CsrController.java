package dev.scepter.server.api;

import dev.scepter.authority.enrollment.EnrollmentEndpoint;
import dev.scepter.authority.enrollment.EnrollmentOutcome;
import dev.scepter.authority.enrollment.EnrollmentRequest;
import dev.scepter.authority.enrollment.EnrollmentService;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.CertificateKind;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.authority.issuance.InvalidRequestException;
import dev.scepter.authority.issuance.IssuancePolicy;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.token.ApiRole;
import dev.scepter.protocol.csr.CertificationRequests;
import dev.scepter.protocol.csr.MalformedCertificationRequestException;
import dev.scepter.server.security.ApiCaller;
import dev.scepter.settings.DbCsrSettings;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/csr}: a PKCS#10 request in, the DER certificate out, through the same
 * enrollment as SCEP (the token authenticates the caller instead of a challenge). Subject, SANs,
 * Key Usage and Extended Key Usage are taken from the request; nothing else is. With
 * {@code ?kind=} the kind's rules ({@link CertificateKind}) decide KU, EKU and the longest
 * lifetime instead, and {@code ?validityDays=} asks for a lifetime within it.
 */
@RestController
public final class CsrController {

    static final MediaType PKIX_CERT = MediaType.parseMediaType("application/pkix-cert");
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final EnrollmentService enrollments;
    private final boolean enabled;
    private final EnrollmentEndpoint endpoint;
    /** The installation's cap for this API: AppConfig:ValidityPeriodDays, or DbCSRValidation's where smaller. */
    private final int capDays;

    public CsrController(DbCsrSettings settings, IssuancePolicy policy, EnrollmentService enrollments) {
        this.enrollments = enrollments;
        this.enabled = settings.enabled();
        this.capDays = Math.min(policy.validityPeriodDays(), settings.validityPeriodDays().orElse(Integer.MAX_VALUE));
        EndpointProfile profile = new EndpointProfile("api", SerialNumbers.TYPE_STATIC, settings.validityPeriodDays(),
                settings.defaultEkus().stream().map(CertificateIssuer::keyPurpose).toList(),
                KeyUsage.digitalSignature | KeyUsage.keyEncipherment, EndpointProfile.Binding.NONE,
                // A token lets its holder ask for certificates, not name any Windows account.
                settings.allowRequestedSidExtension());
        this.endpoint = new EnrollmentEndpoint(profile, context -> true);
    }

    @Operation(summary = "Issue a certificate from a PKCS#10 certification request",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = "DER, PEM or bare base64",
                    content = {@Content(mediaType = "application/pkcs10"), @Content(mediaType = "application/octet-stream"),
                            @Content(mediaType = "text/plain")}))
    @ApiResponse(responseCode = "200", description = "The certificate (DER)", content = @Content(mediaType = "application/pkix-cert"))
    @ApiResponse(responseCode = "403", description = "requester given by a caller without CSR.Request, or a kind the token may not ask for")
    @ApiResponse(responseCode = "404", description = "REST enrollment is off (AppConfig:DbCSRValidation:Enabled)")
    @ApiResponse(responseCode = "413", description = "The body is over 64 KiB")
    @PostMapping("/api/csr")
    public ResponseEntity<byte[]> csr(HttpServletRequest request, @AuthenticationPrincipal(errorOnInvalidType = true) ApiCaller caller,
            @Parameter(description = "The kind of certificate: Server, Client, User, CodeSigning or SMime; it decides KU, EKU and the "
                    + "longest lifetime. Without it, KU and EKU come from the request.")
            @RequestParam(name = "kind", required = false) String kindName,
            @Parameter(description = "The lifetime in days, within the kind's maximum (only with kind)")
            @RequestParam(name = "validityDays", required = false) Integer validityDays,
            @Parameter(description = "The person the caller issues for (Certificate Master's signed-in user), recorded as "
                    + "\"{requester} through API user {caller}\"; only a caller with CSR.Request (the portal's role) may name one")
            @RequestParam Optional<String> requester) throws IOException {
        if (!enabled) {
            throw new ApiProblem(HttpStatus.NOT_FOUND, "REST enrollment is off (AppConfig:DbCSRValidation:Enabled).");
        }
        String recordedRequester = caller.requester();
        Optional<String> actor = Optional.of(caller.name());
        if (requester.isPresent()) {
            String person = onBehalfOf(requester.get(), caller);
            recordedRequester = person + " through API user " + caller.name();
            actor = Optional.of(recordedRequester);
        }
        EnrollmentEndpoint issuing = endpoint;
        Optional<Duration> validity = Optional.empty();
        if (kindName != null) {
            CertificateKind kind = CertificateKind.byName(kindName).orElseThrow(() -> new ApiProblem(HttpStatus.BAD_REQUEST,
                    "\"kind\" must be one of " + CertificateKind.names() + "."));
            if (!kind.mayBeRequestedBy(caller.roles())) {
                throw new ApiProblem(HttpStatus.FORBIDDEN, "This token may not ask for " + kind.wireName() + " certificates.");
            }
            try {
                validity = Optional.of(kind.validity(Optional.ofNullable(validityDays), capDays));
            } catch (InvalidRequestException e) {
                throw new ApiProblem(HttpStatus.BAD_REQUEST, "The request cannot be issued: " + e.getMessage() + ".");
            }
            issuing = new EnrollmentEndpoint(endpoint.profile().ofKind(kind, capDays), endpoint.challengeVerifier());
        } else if (validityDays != null) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "\"validityDays\" needs \"kind\": the kind decides the longest lifetime.");
        }
        // The security layer cuts the stream off at the route's limit (the same 64 KiB); this keeps the handler safe on its own.
        byte[] body = request.getInputStream().readNBytes(MAX_REQUEST_BYTES + 1);
        if (body.length > MAX_REQUEST_BYTES) {
            throw new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "A certification request is far smaller than this.");
        }
        PKCS10CertificationRequest csr = parse(body);
        EnrollmentOutcome outcome = enrollments.enroll(issuing, new EnrollmentRequest(csr, recordedRequester, Optional.empty(),
                validity, actor));
        if (outcome instanceof EnrollmentOutcome.Issued issued) {
            return ResponseEntity.ok().contentType(PKIX_CERT).body(issued.certificate().getEncoded());
        }
        EnrollmentOutcome.Rejected rejected = (EnrollmentOutcome.Rejected) outcome;
        throw new ApiProblem(HttpStatus.BAD_REQUEST, "The request cannot be issued: " + rejected.detail() + ".");
    }

    /**
     * The person a trusted caller names: only one holding CSR.Request, SCEPman's role "only used
     * internally" (Certificate Master's), may issue in someone else's name; an API client with
     * CSR.Request.Db issues as itself. A name follows {@link dev.scepter.authority.audit.PersonNames}.
     */
    static String onBehalfOf(String person, ApiCaller caller) {
        if (!caller.roles().contains(ApiRole.CSR_REQUEST)) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "Only a caller with the role CSR.Request may name the requester.");
        }
        String name = person.strip();
        String problem = dev.scepter.authority.audit.PersonNames.problem(name, caller.name());
        if (problem != null) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "requester must be " + problem + ".");
        }
        return name;
    }

    /** DER, as SCEPman's samples send it; PEM and bare base64 are accepted too. */
    private static PKCS10CertificationRequest parse(byte[] body) {
        try {
            return CertificationRequests.decode(body);
        } catch (MalformedCertificationRequestException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST,
                    "The body is not a PKCS#10 certification request (DER, PEM or base64): " + e.getMessage() + ".");
        }
    }
}
