package dev.scepter.authority.issuance;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * The Microsoft extensions SCEPman writes beside the standard ones (REFERENCE.md "Certificates").
 *
 * @param addAadExtensions whether certificates carry the Entra tenant and device id extensions
 *                         ({@code AppConfig:AddMicrosoftAADExtensions})
 * @param tenantId         the Entra tenant ({@code AppConfig:AuthConfig:TenantId}); without it no tenant extension
 * @param addSidExtension  whether certificates of directory objects carry their SID, as the directory
 *                         knows it ({@code AppConfig:AddSidExtension})
 */
public record MicrosoftExtensions(boolean addAadExtensions, Optional<UUID> tenantId, boolean addSidExtension) {

    /** Entra tenant id: an OCTET STRING of the GUID in .NET {@code Guid.ToByteArray()} order. */
    public static final ASN1ObjectIdentifier TENANT_ID = new ASN1ObjectIdentifier("1.2.840.113556.5.14");
    /** Entra device id, encoded as the tenant id; Entra's own device certificates carry the same. */
    public static final ASN1ObjectIdentifier DEVICE_ID = new ASN1ObjectIdentifier("1.2.840.113556.1.5.284.2");
    /**
     * szOID_NTDS_CA_SECURITY_EXT: the SID that Windows' strong certificate mapping (KB5014754)
     * matches, as a GeneralNames holding one otherName of type {@link #SID_OTHER_NAME}.
     */
    public static final ASN1ObjectIdentifier SID = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.25.2");
    /** szOID_NTDS_OBJECTSID: the otherName inside {@link #SID}, the SID as ASCII text in an OCTET STRING. */
    public static final ASN1ObjectIdentifier SID_OTHER_NAME = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.25.2.1");
    /** The SAN URI form of a SID (Microsoft, 2022-09-14), which Windows' strong mapping also reads. */
    public static final String SID_URI_PREFIX = "tag:microsoft.com,2022-09-14:sid:";

    /** None of them. */
    public static final MicrosoftExtensions NONE = new MicrosoftExtensions(false, Optional.empty(), false);

    public MicrosoftExtensions {
        Objects.requireNonNull(tenantId, "tenantId");
    }
}
