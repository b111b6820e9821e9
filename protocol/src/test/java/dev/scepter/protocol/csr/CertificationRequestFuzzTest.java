package dev.scepter.protocol.csr;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Fuzzes the body of {@code POST /api/csr} as the API reads it (DER, PEM or base64). The
 * contract: {@link CertificationRequests#decode} returns a request or throws
 * {@link MalformedCertificationRequestException}, and what the enrollment then reads from the
 * request is read without an exception. Anything else (a RuntimeException, StackOverflowError,
 * OutOfMemoryError, a hang) is a finding. Seeds: {@code CertificationRequestFuzzTestInputs/}.
 */
class CertificationRequestFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void apiCsrBody(byte[] body) {
        PKCS10CertificationRequest csr;
        try {
            csr = CertificationRequests.decode(body);
        } catch (MalformedCertificationRequestException expected) {
            return;
        }
        CertificationRequestContract.readAsTheEnrollmentDoes(csr);
    }
}
