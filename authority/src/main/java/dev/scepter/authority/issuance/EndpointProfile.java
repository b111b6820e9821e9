package dev.scepter.authority.issuance;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * What one enrollment endpoint puts into the certificates it issues.
 *
 * @param name               the endpoint's name, as recorded ({@code static}, {@code scep}, {@code api})
 * @param serialTypeByte     the first byte of the serial number: SCEPman's certificate type (0x50 static)
 * @param validityPeriodDays the endpoint's own cap, if any ({@code AppConfig:<Endpoint>:ValidityPeriodDays})
 * @param defaultEkus        EKUs when the request has none or requested ones are not used
 * @param defaultKeyUsage    KeyUsage bits (BouncyCastle {@code KeyUsage} constants) in the same case
 * @param binding            whether issued certificates follow a directory object
 * @param allowRequestedSid  whether a SID the request asks for (SID extension, or SAN URI
 *                           {@code tag:microsoft.com,2022-09-14:sid:...}) is kept; otherwise it is dropped
 *                           ({@code AllowRequestedSidExtension})
 * @param kind               the kind of certificate asked for ({@code POST /api/csr?kind=}), whose rules then
 *                           decide KU and EKU instead of the request and the defaults; empty for the endpoint's own
 */
public record EndpointProfile(
        String name, int serialTypeByte, Optional<Integer> validityPeriodDays, List<KeyPurposeId> defaultEkus, int defaultKeyUsage,
        Binding binding, boolean allowRequestedSid, Optional<CertificateKind> kind) {

    /** Whether certificates from this endpoint are bound to a directory object. */
    public enum Binding {
        /** Bound to nothing: good until revoked by hand (SCEPman's static endpoint). */
        NONE,
        /**
         * Bound to the device or user the request names, which must exist: its state in the
         * directory decides the certificate's (SCEPman's static AAD endpoint). Only a shared
         * static challenge vouches for the request, so it proves nothing about which object.
         */
        REQUIRED,
        /**
         * Bound to the object the MDM's challenge validation vouches for (Intune checks each
         * request against the device or user it issued the challenge for). Only such a binding
         * earns the directory's SID (AddSidExtension): a SID is a Windows logon as that account.
         */
        VOUCHED;

        /** Whether the certificate is bound to a directory object at all. */
        public boolean bound() {
            return this != NONE;
        }
    }

    /** An endpoint that issues what its requests and defaults say, of no particular kind. */
    public EndpointProfile(String name, int serialTypeByte, Optional<Integer> validityPeriodDays, List<KeyPurposeId> defaultEkus,
            int defaultKeyUsage, Binding binding, boolean allowRequestedSid) {
        this(name, serialTypeByte, validityPeriodDays, defaultEkus, defaultKeyUsage, binding, allowRequestedSid, Optional.empty());
    }

    /** This endpoint issuing certificates of one kind, capped at {@code validityPeriodDays}. */
    public EndpointProfile ofKind(CertificateKind certificateKind, int capDays) {
        return new EndpointProfile(name, serialTypeByte, Optional.of(capDays), defaultEkus, defaultKeyUsage, binding, allowRequestedSid,
                Optional.of(certificateKind));
    }

    /** An endpoint that drops requested SIDs. */
    public EndpointProfile(String name, int serialTypeByte, Optional<Integer> validityPeriodDays, List<KeyPurposeId> defaultEkus,
            int defaultKeyUsage, Binding binding) {
        this(name, serialTypeByte, validityPeriodDays, defaultEkus, defaultKeyUsage, binding, false);
    }

    /** An endpoint whose certificates are bound to nothing. */
    public EndpointProfile(String name, int serialTypeByte, Optional<Integer> validityPeriodDays, List<KeyPurposeId> defaultEkus,
            int defaultKeyUsage) {
        this(name, serialTypeByte, validityPeriodDays, defaultEkus, defaultKeyUsage, Binding.NONE);
    }

    public EndpointProfile {
        Objects.requireNonNull(name, "name");
        if (serialTypeByte < 0x01 || serialTypeByte > 0x7F) {
            throw new IllegalArgumentException("the serial's type byte must keep the serial positive and non-zero");
        }
        Objects.requireNonNull(validityPeriodDays, "validityPeriodDays");
        defaultEkus = List.copyOf(defaultEkus);
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(kind, "kind");
    }
}
