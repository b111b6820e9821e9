package dev.scepter.authority;

import java.security.KeyPair;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** PKCS#10 requests as clients build them, for tests. */
public final class Csrs {

    private final KeyPair keyPair;
    private String subject = "CN=device-1";
    private String challenge;
    private String dnsName;
    private KeyUsage keyUsage;
    private KeyPurposeId eku;
    private String uri;
    private org.bouncycastle.asn1.x509.Extension extra;

    private Csrs(KeyPair keyPair) {
        this.keyPair = keyPair;
    }

    public static Csrs forKey(KeyPair keyPair) {
        return new Csrs(keyPair);
    }

    public Csrs subject(String value) {
        this.subject = value;
        return this;
    }

    public Csrs challenge(String value) {
        this.challenge = value;
        return this;
    }

    public Csrs dnsName(String value) {
        this.dnsName = value;
        return this;
    }

    /** A SAN URI (beside the DNS name, if any). */
    public Csrs uri(String value) {
        this.uri = value;
        return this;
    }

    /** Any other requested extension. */
    public Csrs extension(org.bouncycastle.asn1.x509.Extension value) {
        this.extra = value;
        return this;
    }

    public Csrs keyUsage(int bits) {
        this.keyUsage = new KeyUsage(bits);
        return this;
    }

    public Csrs eku(KeyPurposeId value) {
        this.eku = value;
        return this;
    }

    public PKCS10CertificationRequest build() throws Exception {
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keyPair.getPublic());
        if (challenge != null) {
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(challenge));
        }
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        java.util.List<GeneralName> sans = new java.util.ArrayList<>();
        if (dnsName != null) {
            sans.add(new GeneralName(GeneralName.dNSName, dnsName));
        }
        if (uri != null) {
            sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        }
        if (!sans.isEmpty()) {
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
        }
        if (extra != null) {
            extensions.addExtension(extra);
        }
        if (keyUsage != null) {
            extensions.addExtension(Extension.keyUsage, true, keyUsage);
        }
        if (eku != null) {
            extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        if (!extensions.isEmpty()) {
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate()));
    }
}
