package dev.scepter.protocol.scep;

/** The keywords of a GetCACaps answer (RFC 8894 section 3.5.2). */
public enum CaCapability {
    /** AES content encryption (AES-128-CBC is mandatory per RFC 8894 section 2.9). */
    AES("AES"),
    /** Triple DES content encryption. */
    DES3("DES3"),
    /** GetNextCACert for CA rollover (RFC 8894 section 4.7). */
    GET_NEXT_CA_CERT("GetNextCACert"),
    /** PKIOperation by HTTP POST (RFC 8894 section 4.1). */
    POST_PKI_OPERATION("POSTPKIOperation"),
    /** RenewalReq (RFC 8894 section 3.3.1). */
    RENEWAL("Renewal"),
    /** SHA-1 digests. */
    SHA_1("SHA-1"),
    /** SHA-256 digests (mandatory per RFC 8894 section 2.9). */
    SHA_256("SHA-256"),
    /**
     * SHA-384 digests: not a keyword of RFC 8894, whose clients ignore keywords they do not know
     * (section 3.5.2), but strongSwan's. strongSwan 5.9.8's {@code pki --scep} (Debian 12) tests
     * its capability flags against the wrong bits and takes AES only from a server that lists
     * SHA-384 (it reads DES3 from AES, SHA-256 from DES3): found by running it against this codec.
     */
    SHA_384("SHA-384"),
    /** SHA-512 digests. */
    SHA_512("SHA-512"),
    /** The whole of RFC 8894: AES, POSTPKIOperation and SHA-256 (RFC 8894 section 3.5.2). */
    SCEP_STANDARD("SCEPStandard");

    private final String keyword;

    CaCapability(String keyword) {
        this.keyword = keyword;
    }

    /** The keyword as it appears on its line of the GetCACaps answer. */
    public String keyword() {
        return keyword;
    }
}
