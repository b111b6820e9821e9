package dev.scepter.authority.validity;

/** CRLReason codes (RFC 5280 section 5.3.1) the authority's own decisions use. */
public final class RevocationReasons {

    public static final int UNSPECIFIED = 0;
    public static final int CERTIFICATE_HOLD = 6;

    /**
     * The reason for an automatic, permanent revocation (the bound object was deleted).
     * SCEPman does not document its code; this is the one place to change it.
     */
    public static final int PERMANENT_AUTOMATIC = 5; // cessationOfOperation

    private RevocationReasons() {
    }
}
