package dev.scepter.protocol.csr;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** The fuzz tests' contract for a decoded certification request, from the API or from SCEP. */
public final class CertificationRequestContract {

    private CertificationRequestContract() {
    }

    /**
     * What the enrollment reads from any request it is given, by the SCEP endpoints as by the
     * API: none of it may throw for a request that was decoded.
     */
    public static void readAsTheEnrollmentDoes(PKCS10CertificationRequest csr) {
        csr.getSubject().getRDNs();
        csr.getSubjectPublicKeyInfo().getAlgorithm();
        CertificationRequests.challengePassword(csr);
        CertificationRequests.requestedExtensions(csr);
        CertificationRequests.requestedValidity(csr);
        CertificationRequests.isSelfSignatureValid(csr);
    }
}
