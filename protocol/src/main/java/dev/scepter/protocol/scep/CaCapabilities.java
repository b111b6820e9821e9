package dev.scepter.protocol.scep;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The answer to GetCACaps (RFC 8894 section 3.5): one capability keyword a line, lines separated
 * by LF (RFC 8894 section 3.5.2), sent as {@value #CONTENT_TYPE}.
 */
public final class CaCapabilities {
    /** The HTTP content type of a GetCACaps answer. */
    public static final String CONTENT_TYPE = "text/plain";

    private final Set<CaCapability> capabilities;

    private CaCapabilities(Set<CaCapability> capabilities) {
        this.capabilities = capabilities;
    }

    /**
     * What this codec supports: POST, renewal, SHA-1, SHA-256, SHA-384 and SHA-512 digests, AES
     * and 3DES envelopes, and so the whole of RFC 8894 (SCEPStandard). Not GetNextCACert: there
     * is no CA rollover through SCEP. Renewal matters even to clients that renew with PKCSReq:
     * macOS reports that a server without it cannot renew (smallstep's note in its default
     * list). SHA-384 is listed for strongSwan's sake ({@link CaCapability#SHA_384}).
     */
    public static CaCapabilities standard() {
        return of(EnumSet.of(
                CaCapability.POST_PKI_OPERATION,
                CaCapability.RENEWAL,
                CaCapability.SHA_1,
                CaCapability.SHA_256,
                CaCapability.SHA_384,
                CaCapability.SHA_512,
                CaCapability.AES,
                CaCapability.DES3,
                CaCapability.SCEP_STANDARD));
    }

    public static CaCapabilities of(Collection<CaCapability> capabilities) {
        Objects.requireNonNull(capabilities, "capabilities");
        return new CaCapabilities(capabilities.isEmpty()
                ? EnumSet.noneOf(CaCapability.class)
                : EnumSet.copyOf(capabilities));
    }

    /** These capabilities but {@code capability}: an endpoint that does not accept renewals. */
    public CaCapabilities without(CaCapability capability) {
        EnumSet<CaCapability> fewer = EnumSet.noneOf(CaCapability.class);
        fewer.addAll(capabilities);
        fewer.remove(capability);
        return new CaCapabilities(fewer);
    }

    public Set<CaCapability> capabilities() {
        return Set.copyOf(capabilities);
    }

    public boolean supports(CaCapability capability) {
        return capabilities.contains(capability);
    }

    /** The answer's text: the keywords in declaration order, separated by LF. */
    public String text() {
        return capabilities.stream().map(CaCapability::keyword).collect(Collectors.joining("\n"));
    }

    /** {@link #text()} in US-ASCII, the HTTP body. */
    public byte[] body() {
        return text().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CaCapabilities that && capabilities.equals(that.capabilities);
    }

    @Override
    public int hashCode() {
        return capabilities.hashCode();
    }

    @Override
    public String toString() {
        return "CaCapabilities" + capabilities;
    }
}
