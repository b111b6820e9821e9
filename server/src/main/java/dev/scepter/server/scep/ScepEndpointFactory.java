package dev.scepter.server.scep;

import dev.scepter.authority.enrollment.Binder;
import dev.scepter.authority.enrollment.CertificateType;
import dev.scepter.authority.enrollment.ChallengeVerifier;
import dev.scepter.authority.enrollment.EnrollmentEndpoint;
import dev.scepter.authority.enrollment.ObjectBinder;
import dev.scepter.authority.enrollment.OneTimeChallenges;
import dev.scepter.authority.enrollment.RenewalPolicy;
import dev.scepter.authority.enrollment.StaticChallengeVerifier;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.server.intune.IntuneValidation;
import dev.scepter.settings.EndpointSettings;
import dev.scepter.settings.ScepSettings;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * Builds every SCEP endpoint from its {@code AppConfig:<Section>:*} settings in one place: the
 * profile (serial type, validity cap, default EKUs and Key Usage, binding, requested SIDs), the
 * challenge check and the renewal policy.
 */
public final class ScepEndpointFactory {

    /** The name of Intune's endpoint, as its certificates' records carry it (Intune's revocation requests apply to these only). */
    public static final String INTUNE_ENDPOINT = "intune";

    /** Client Authentication, SCEPman's default where an endpoint has no {@code DefaultEkus}. */
    static final List<String> CLIENT_AUTH = List.of("1.3.6.1.5.5.7.3.2");
    /**
     * What a domain controller's Kerberos certificate needs (the EKUs of Microsoft's "Kerberos
     * Authentication" template): client and server authentication, smart card logon, KDC
     * authentication. SCEPman's {@code /dc} has no {@code DefaultEkus} setting, and ScepClient's
     * {@code newdccert} asks for no EKU, so the endpoint supplies them.
     */
    static final List<String> DOMAIN_CONTROLLER_EKUS =
            List.of("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1", "1.3.6.1.4.1.311.20.2.2", "1.3.6.1.5.2.3.5");
    private static final int SIGN_AND_ENCIPHER = KeyUsage.digitalSignature | KeyUsage.keyEncipherment;
    private static final ChallengeVerifier NOTHING_PASSES = context -> false;

    private final ScepSettings settings;
    private final OneTimeChallenges oneTimeChallenges;
    private final Supplier<String> dataFolderStaticChallenge;
    private final IntuneValidation intuneValidation;
    private final Optional<ObjectBinder> jamf;

    /**
     * @param dataFolderStaticChallenge the data folder's {@code static-challenge}, read only when
     *                                  {@code /static} is on and no {@code RequestPassword} is set
     * @param intuneValidation          Intune's verifier and notifier for its endpoint, or the reason there are none
     * @param jamf                      binds {@code /jamf}'s requests to Jamf Pro's objects, when Jamf Pro's API is
     *                                  configured ({@code AppConfig:JamfValidation:URL})
     */
    public ScepEndpointFactory(ScepSettings settings, OneTimeChallenges oneTimeChallenges, Supplier<String> dataFolderStaticChallenge,
            IntuneValidation intuneValidation, Optional<ObjectBinder> jamf) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.oneTimeChallenges = Objects.requireNonNull(oneTimeChallenges, "oneTimeChallenges");
        this.dataFolderStaticChallenge = Objects.requireNonNull(dataFolderStaticChallenge, "dataFolderStaticChallenge");
        this.intuneValidation = Objects.requireNonNull(intuneValidation, "intuneValidation");
        this.jamf = Objects.requireNonNull(jamf, "jamf");
    }

    /** Every SCEP path, enabled or not, in homepage order. */
    public ScepEndpoints endpoints() {
        EndpointSettings statics = settings.staticValidation();
        EnrollmentEndpoint staticEndpoint = build("static", SerialNumbers.TYPE_STATIC, EndpointProfile.Binding.NONE, statics,
                statics.enabled() ? Optional.of(statics.requestPassword().orElseGet(dataFolderStaticChallenge)) : Optional.empty(),
                CLIENT_AUTH);
        EndpointSettings aad = settings.staticAadValidation();
        EndpointSettings jamf = settings.jamfValidation();
        EndpointSettings dc = settings.dcValidation();
        EndpointSettings intune = settings.intuneValidation();
        EnrollmentEndpoint intuneProfile = build(INTUNE_ENDPOINT, Binder.TYPE_INTUNE_DEVICE, EndpointProfile.Binding.VOUCHED, intune,
                Optional.empty(), CLIENT_AUTH);
        return new ScepEndpoints(List.of(
                // Intune's endpoint is always served (NDES-compatible path). Intune vouches for each
                // request (validateRequest) and hears how it ended; until this instance signs in to
                // Microsoft's cloud, every PKIOperation gets a CertRep FAILURE (so a one-time challenge
                // is of no use there).
                new ScepEndpoint("/certsrv/mscep/mscep.dll", true, new EnrollmentEndpoint(intuneProfile.profile(),
                        intuneValidation.verifier(), intuneProfile.renewals(), intuneValidation.notifier()),
                        "AppConfig:IntuneValidation", false),
                new ScepEndpoint("/scep", statics.enabled(), staticEndpoint, statics.key("Enabled"), statics.allowDynamicChallenges()),
                new ScepEndpoint("/static", statics.enabled(), staticEndpoint, statics.key("Enabled"), statics.allowDynamicChallenges()),
                new ScepEndpoint("/static/aad", aad.enabled(), build("static-aad", SerialNumbers.TYPE_STATIC,
                        EndpointProfile.Binding.REQUIRED, aad, aad.requestPassword(), CLIENT_AUTH), aad.key("Enabled"), aad.allowDynamicChallenges()),
                // With Jamf Pro's API, Jamf's certificates are bound to the Jamf object the request names
                // (type bytes 0x44...), which must exist; without it they are static ones, bound to nothing.
                new ScepEndpoint("/jamf", jamf.enabled(), this.jamf.map(binder -> bound(build("jamf", SerialNumbers.TYPE_STATIC,
                        EndpointProfile.Binding.REQUIRED, jamf, jamf.requestPassword(), CLIENT_AUTH), binder)).orElseGet(() -> build("jamf",
                        SerialNumbers.TYPE_STATIC, EndpointProfile.Binding.NONE, jamf, jamf.requestPassword(), CLIENT_AUTH)),
                        jamf.key("Enabled"), jamf.allowDynamicChallenges()),
                new ScepEndpoint("/dc", dc.enabled(), build("dc", SerialNumbers.TYPE_DOMAIN_CONTROLLER,
                        EndpointProfile.Binding.NONE, dc, dc.requestPassword(), DOMAIN_CONTROLLER_EKUS), dc.key("Enabled"), dc.allowDynamicChallenges())));
    }

    private static EnrollmentEndpoint bound(EnrollmentEndpoint endpoint, ObjectBinder binder) {
        return new EnrollmentEndpoint(endpoint.profile(), endpoint.challengeVerifier(), endpoint.renewals(), endpoint.notifier(),
                Optional.of(binder));
    }

    private EnrollmentEndpoint build(String name, int serialTypeByte, EndpointProfile.Binding binding, EndpointSettings endpoint,
            Optional<String> staticChallenge, List<String> defaultEkus) {
        EndpointProfile profile = new EndpointProfile(name, serialTypeByte, endpoint.validityPeriodDays(),
                endpoint.defaultEkus().orElse(defaultEkus).stream().map(CertificateIssuer::keyPurpose).toList(),
                endpoint.defaultKeyUsage().orElse(SIGN_AND_ENCIPHER), binding, endpoint.allowRequestedSidExtension());
        ChallengeVerifier challenge = staticChallenge.<ChallengeVerifier>map(StaticChallengeVerifier::new).orElse(NOTHING_PASSES);
        if (endpoint.allowDynamicChallenges()) {
            challenge = challenge.or(oneTimeChallenges);
        }
        RenewalPolicy renewals = new RenewalPolicy(endpoint.allowRenewals(), endpoint.reenrollmentAllowedCertificateTypes().stream()
                .map(type -> CertificateType.bySettingName(type).orElseThrow()).collect(Collectors.toSet()));
        return new EnrollmentEndpoint(profile, challenge, renewals);
    }
}
