package dev.scepter.certmaster.forms;

import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * What a form was filled with, as typed (so that a refused form comes back as it was), and the
 * rules that turn it into a certification request. Each refusal is a sentence for the page.
 *
 * @param names        TLS server: FQDNs (a wildcard as the whole leftmost label) and IP addresses, one a line or comma-separated
 * @param clientAuth   TLS server: also client authentication
 * @param commonName   the CN: a device's name, a person's name, a code signer's name
 * @param upn          user: the user principal name (SAN otherName, Microsoft's 1.3.6.1.4.1.311.20.2.3)
 * @param emails       user and S/MIME: e-mail addresses (SAN rfc822Name)
 * @param key          a {@link KeyChoice} form value
 * @param validityDays the lifetime in days
 * @param delivery     a {@link KeyDelivery} form value
 */
public record FormInput(String names, Boolean clientAuth, String commonName, String upn, String emails, String key, String validityDays,
        String delivery) {

    /** Microsoft's UPN otherName (MS-WCCE, [MS-PKCA] 3.1.5.2.1.1). */
    static final ASN1ObjectIdentifier UPN = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    /** A dot-atom local part (RFC 5322 section 3.2.3), as the core's NameSyntax takes it: no leading, trailing or double dot. */
    private static final Pattern LOCAL_PART = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_NAMES = 100;
    private static final int MAX_CN = 64;

    /** The empty form, with the defaults offered: the longest lifetime the core issues for the kind under the installation's cap. */
    public static FormInput blank(FormKind kind, int installationCapDays) {
        return new FormInput("", false, "", "", "", KeyChoice.RSA_2048.formValue(), Integer.toString(kind.maximumDays(installationCapDays)),
                KeyDelivery.PKCS12.formValue());
    }

    /** The request to send, once every field is checked. */
    public record Checked(String commonName, List<GeneralName> subjectAltNames, List<KeyPurposeId> ekus, KeyChoice key, int validityDays,
            KeyDelivery delivery) {

        /** A PKCS#10 request for the key (DER), signed by it. */
        public byte[] certificationRequest(KeyPair keys) {
            try {
                X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName);
                JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(subject.build(), keys.getPublic());
                ExtensionsGenerator extensions = new ExtensionsGenerator();
                if (!subjectAltNames.isEmpty()) {
                    extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(subjectAltNames.toArray(GeneralName[]::new)));
                }
                extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ekus.toArray(KeyPurposeId[]::new)));
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
                return builder.build(new JcaContentSignerBuilder(key.signatureAlgorithm()).build(keys.getPrivate())).getEncoded();
            } catch (IOException | OperatorCreationException e) {
                throw new IllegalStateException("the certification request could not be made", e);
            }
        }
    }

    /** Thrown for a field that is not right; the message is for the page. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** The request for this kind, each field checked; the lifetime within the kind's cap and the installation's. */
    public Checked check(FormKind kind, int installationCapDays) throws Refused {
        KeyChoice keyChoice = KeyChoice.byFormValue(blankToEmpty(key)).orElseThrow(() -> new Refused("Choose one of the listed keys."));
        KeyDelivery keyDelivery = KeyDelivery.byFormValue(blankToEmpty(delivery)).orElseThrow(() -> new Refused("Choose one of the listed file formats."));
        int days = days(kind, kind.maximumDays(installationCapDays));
        List<GeneralName> sans = new ArrayList<>();
        List<KeyPurposeId> ekus = new ArrayList<>();
        String cn;
        switch (kind) {
            case SERVER -> {
                List<String> entries = split(names);
                if (entries.isEmpty()) {
                    throw new Refused("Name the server: at least one DNS name or IP address.");
                }
                if (entries.size() > MAX_NAMES) {
                    throw new Refused("At most " + MAX_NAMES + " names in one certificate.");
                }
                List<String> shown = new ArrayList<>();
                for (String entry : entries) {
                    GeneralName name = serverName(entry);
                    sans.add(name);
                    shown.add(name.getTagNo() == GeneralName.iPAddress ? entry : name.getName().toString());
                }
                // The CN is the first name that fits RFC 5280's 64 characters; a longer name is in the SANs only,
                // which is where TLS clients look (RFC 6125).
                cn = shown.stream().filter(name -> name.length() <= MAX_CN).findFirst().orElseThrow(() -> new Refused(
                        "Every name is longer than " + MAX_CN + " characters, the most a common name may have (RFC 5280): add a"
                                + " shorter name (or an IP address) for the common name; the long ones stay in the certificate's names."));
                ekus.add(KeyPurposeId.id_kp_serverAuth);
                if (Boolean.TRUE.equals(clientAuth)) {
                    ekus.add(KeyPurposeId.id_kp_clientAuth);
                }
            }
            case CLIENT -> {
                cn = required(commonName, "Name the device (its common name).");
                ekus.add(KeyPurposeId.id_kp_clientAuth);
            }
            case USER -> {
                String principal = mailbox(required(upn, "Give the user principal name (name@domain)."), "user principal name");
                sans.add(new GeneralName(GeneralName.otherName, new OtherName(UPN, new DERUTF8String(principal))));
                for (String email : split(emails)) {
                    sans.add(new GeneralName(GeneralName.rfc822Name, mailbox(email, "e-mail address")));
                }
                cn = blankToEmpty(commonName).isBlank() ? principal : commonName.strip();
                ekus.add(KeyPurposeId.id_kp_clientAuth);
                if (!split(emails).isEmpty()) {
                    ekus.add(KeyPurposeId.id_kp_emailProtection);
                }
            }
            case CODE_SIGNING -> {
                cn = required(commonName, "Name the signer (the common name that signed code shows).");
                ekus.add(KeyPurposeId.id_kp_codeSigning);
            }
            case SMIME -> {
                List<String> addresses = split(emails);
                if (addresses.isEmpty()) {
                    throw new Refused("Give at least one e-mail address.");
                }
                for (String email : addresses) {
                    sans.add(new GeneralName(GeneralName.rfc822Name, mailbox(email, "e-mail address")));
                }
                cn = blankToEmpty(commonName).isBlank() ? addresses.get(0) : commonName.strip();
                ekus.add(KeyPurposeId.id_kp_emailProtection);
            }
            default -> throw new IllegalStateException("no form for " + kind);
        }
        if (cn.length() > MAX_CN || cn.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new Refused("The common name must be at most " + MAX_CN + " printable characters (RFC 5280's upper bound).");
        }
        return new Checked(cn, List.copyOf(sans), List.copyOf(ekus), keyChoice, days, keyDelivery);
    }

    private int days(FormKind kind, int maximum) throws Refused {
        int days;
        try {
            days = Integer.parseInt(blankToEmpty(validityDays).strip());
        } catch (NumberFormatException e) {
            throw new Refused("The lifetime is a whole number of days, from 1 to " + maximum + ".");
        }
        if (days < 1 || days > maximum) {
            throw new Refused("A " + kind.title() + " certificate lives from 1 to " + maximum + " days here, not " + days + ".");
        }
        return days;
    }

    /** An FQDN (IDNs to their xn-- form, RFC 5890), a wildcard as its whole leftmost label (RFC 6125 section 6.4.3), or an IP address. */
    static GeneralName serverName(String entry) throws Refused {
        if (IPV4.matcher(entry).matches() || (entry.contains(":") && IPV6.matcher(entry).matches())) {
            try {
                // A literal: InetAddress does no lookup for an IPv4 dotted quad or anything with a colon.
                byte[] octets = InetAddress.getByName(entry).getAddress();
                if (!hostAddress(octets)) {
                    throw new Refused("\"" + entry + "\" is not an address a host can have (unspecified, broadcast or multicast).");
                }
                return new GeneralName(GeneralName.iPAddress, new org.bouncycastle.asn1.DEROctetString(octets));
            } catch (IOException e) {
                throw new Refused("\"" + entry + "\" is not an IP address.");
            }
        }
        String ascii;
        try {
            ascii = IDN.toASCII(entry).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new Refused("\"" + entry + "\" is not a DNS name.");
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        String[] labels = ascii.split("\\.", -1);
        if (ascii.length() > 253 || labels.length < 2) {
            throw new Refused("\"" + entry + "\" is not a fully qualified DNS name (like www.example.com).");
        }
        for (int i = 0; i < labels.length; i++) {
            boolean wildcard = i == 0 && labels[i].equals("*") && labels.length > 2;
            if (!wildcard && !LABEL.matcher(labels[i]).matches()) {
                throw new Refused("\"" + entry + "\" is not a DNS name: each label is letters, digits and inner hyphens, and a wildcard"
                        + " is only the whole leftmost label of a name with at least two more (*.example.com).");
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw new Refused("\"" + entry + "\" is neither a DNS name nor an IP address.");
        }
        return new GeneralName(GeneralName.dNSName, ascii);
    }

    /**
     * Whether an address can be a host's, as the core's NameSyntax decides: not unspecified
     * ({@code 0.0.0.0}, {@code ::}), not the IPv4 broadcast address, not multicast. (InetAddress
     * already gives an IPv4-mapped IPv6 literal as its 4 octets.)
     */
    private static boolean hostAddress(byte[] octets) {
        boolean allZero = true;
        boolean allOnes = true;
        for (byte octet : octets) {
            allZero &= octet == 0;
            allOnes &= octet == (byte) 0xFF;
        }
        boolean multicast = octets.length == 4 ? (octets[0] & 0xF0) == 0xE0 : (octets[0] & 0xFF) == 0xFF;
        return !allZero && !(octets.length == 4 && allOnes) && !multicast;
    }

    /** A mailbox as RFC 5321 allows in practice: dot-atom local part, an FQDN domain. */
    static String mailbox(String value, String what) throws Refused {
        String text = value.strip();
        int at = text.lastIndexOf('@');
        if (at < 1 || at > MAX_LOCAL_PART || !LOCAL_PART.matcher(text.substring(0, at)).matches()) {
            throw new Refused("\"" + text + "\" is not a valid " + what + " (name@domain).");
        }
        GeneralName domain = serverName(text.substring(at + 1));
        if (domain.getTagNo() != GeneralName.dNSName || domain.getName().toString().startsWith("*")) {
            throw new Refused("\"" + text + "\" is not a valid " + what + ": its domain must be a DNS name.");
        }
        return text.substring(0, at) + "@" + domain.getName();
    }

    private static List<String> split(String text) {
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : blankToEmpty(text).split("[\\s,;]+")) {
            if (!entry.isBlank()) {
                entries.add(entry.strip());
            }
        }
        return List.copyOf(entries);
    }

    private static String required(String value, String message) throws Refused {
        if (value == null || value.isBlank()) {
            throw new Refused(message);
        }
        return value.strip();
    }

    private static String blankToEmpty(String value) {
        return value == null ? "" : value;
    }
}
