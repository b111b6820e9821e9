package dev.scepter.protocol.ocsp;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** The OIDs the OCSP responder and its delegated responder certificate use. */
public final class OcspObjectIdentifiers {
    /**
     * id-pkix-ocsp-nonce (RFC 9654 section 2.1): the request extension whose value the response
     * echoes.
     */
    public static final ASN1ObjectIdentifier NONCE = OCSPObjectIdentifiers.id_pkix_ocsp_nonce;

    /** id-pkix-ocsp-basic (RFC 6960 section 4.2.1): the only response type Scepter produces. */
    public static final ASN1ObjectIdentifier BASIC_RESPONSE = OCSPObjectIdentifiers.id_pkix_ocsp_basic;

    /** id-pkix-ocsp-response (RFC 6960 section 4.4.3): the response types the client accepts. */
    public static final ASN1ObjectIdentifier ACCEPTABLE_RESPONSES = OCSPObjectIdentifiers.id_pkix_ocsp_response;

    /**
     * id-pkix-ocsp-service-locator (RFC 6960 section 4.4.6): a single-request extension asking
     * to forward the request to the issuer's responder.
     */
    public static final ASN1ObjectIdentifier SERVICE_LOCATOR = OCSPObjectIdentifiers.id_pkix_ocsp_service_locator;

    /**
     * id-kp-OCSPSigning (RFC 6960 section 4.2.2.2): the extended key usage a delegated
     * responder certificate must carry.
     */
    public static final ASN1ObjectIdentifier OCSP_SIGNING = KeyPurposeId.id_kp_OCSPSigning.toOID();

    /**
     * id-pkix-ocsp-nocheck (RFC 6960 section 4.2.2.2.1): a delegated responder certificate with
     * it is trusted for its lifetime without a revocation check of its own.
     */
    public static final ASN1ObjectIdentifier NO_CHECK = OCSPObjectIdentifiers.id_pkix_ocsp_nocheck;

    private OcspObjectIdentifiers() {
    }
}
