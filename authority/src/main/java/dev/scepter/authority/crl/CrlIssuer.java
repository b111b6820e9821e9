package dev.scepter.authority.crl;

import dev.scepter.authority.ca.CaSigner;
import dev.scepter.authority.store.Revocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Issues the CRL (RFC 5280 section 5) of manual revocations. Automatic revocations (a deleted or
 * disabled directory object) are OCSP's alone, as in SCEPman.
 */
public final class CrlIssuer {

    private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);

    private final CaSigner ca;
    private final Clock clock;
    private final Duration validity;
    private long lastNumber;

    /** @param validity how long a CRL is valid ({@code AppConfig:CRL:ValidityDays}) */
    public CrlIssuer(CaSigner ca, Clock clock, Duration validity) {
        this.ca = Objects.requireNonNull(ca, "ca");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.validity = Objects.requireNonNull(validity, "validity");
    }

    /**
     * A CRL listing these revocations. Its crlNumber is the issuing time in milliseconds, never
     * below the last one this node issued, so it grows on one node and, with clocks in step,
     * across the nodes that share a store.
     */
    public synchronized X509CRLHolder issue(Map<BigInteger, Revocation> revocations) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long number = Math.max(now.toEpochMilli(), lastNumber + 1);
        lastNumber = number;
        X509v2CRLBuilder builder = new X509v2CRLBuilder(ca.certificate().getSubject(), Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(validity)));
        revocations.forEach((serial, revocation) ->
                builder.addCRLEntry(serial, Date.from(revocation.revokedAt().truncatedTo(ChronoUnit.SECONDS)), revocation.reason()));
        try {
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
            SubjectKeyIdentifier keyId = SubjectKeyIdentifier.fromExtensions(ca.certificate().getExtensions());
            if (keyId != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        new org.bouncycastle.asn1.x509.AuthorityKeyIdentifier(keyId.getKeyIdentifier()));
            }
            return builder.build(ca.contentSigner(SHA256));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("the CA key cannot sign the CRL", e);
        }
    }
}
