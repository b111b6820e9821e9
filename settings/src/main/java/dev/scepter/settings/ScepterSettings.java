package dev.scepter.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The settings Scepter honours, bound and checked. Binding reports every unusable value at
 * once, each message naming its setting and where it was given, and start-up stops.
 */
public final class ScepterSettings {

    /** .NET's X509KeyUsageFlags names, as SCEPman's {@code DefaultKeyUsage} takes them, to RFC 5280 bits. */
    private static final Map<String, Integer> KEY_USAGE_FLAGS = Map.of(
            "digitalsignature", 1 << 7, "nonrepudiation", 1 << 6, "keyencipherment", 1 << 5,
            "dataencipherment", 1 << 4, "keyagreement", 1 << 3, "keycertsign", 1 << 2,
            "crlsign", 1 << 1, "encipheronly", 1, "decipheronly", 1 << 15);

    /** Names that SCEPman's settings accept for the EKUs most used, beside OIDs. */
    private static final Map<String, String> EKU_NAMES = Map.of(
            "clientauthentication", "1.3.6.1.5.5.7.3.2", "clientauth", "1.3.6.1.5.5.7.3.2",
            "serverauthentication", "1.3.6.1.5.5.7.3.1", "serverauth", "1.3.6.1.5.5.7.3.1",
            "codesigning", "1.3.6.1.5.5.7.3.3", "emailprotection", "1.3.6.1.5.5.7.3.4",
            "smartcardlogon", "1.3.6.1.4.1.311.20.2.2", "kdcauthentication", "1.3.6.1.5.2.3.5",
            "ipsecike", "1.3.6.1.5.5.7.3.17");

    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");

    private final RawSettings raw;
    private final List<String> errors = new ArrayList<>();
    private final Map<Setting, Object> values = new LinkedHashMap<>();

    private ScepterSettings(RawSettings raw) {
        this.raw = raw;
    }

    /** Binds and checks every setting; throws with every problem named. */
    public static ScepterSettings bind(RawSettings raw) throws InvalidSettingException {
        ScepterSettings settings = new ScepterSettings(raw);
        settings.bindAll();
        if (!settings.errors.isEmpty()) {
            throw new InvalidSettingException("Invalid settings:\n  " + String.join("\n  ", settings.errors));
        }
        return settings;
    }

    private void bindAll() {
        optional(Setting.BASE_URL, this::absoluteHttpUrl);
        integer(Setting.VALIDITY_PERIOD_DAYS, 1, 36_500);
        integer(Setting.VALIDITY_CLOCK_SKEW_MINUTES, 0, 14 * 24 * 60);
        bool(Setting.USE_REQUESTED_KEY_USAGES);
        required(Setting.SCEP_RESPONSE_ENCRYPTION_ALGORITHM, this::responseEncryption);
        integer(Setting.CONCURRENT_SCEP_REQUEST_LIMIT, 1, 100_000);
        bool(Setting.ADD_MICROSOFT_AAD_EXTENSIONS);
        bool(Setting.ADD_SID_EXTENSION);
        optional(Setting.AUTH_TENANT_ID, ScepterSettings::guid);

        bool(Setting.STATIC_ENABLED);
        optional(Setting.STATIC_REQUEST_PASSWORD, this::challenge);
        optional(Setting.STATIC_VALIDITY_PERIOD_DAYS, v -> wholeNumber(v, 1, 36_500));
        required(Setting.STATIC_DEFAULT_EKUS, this::ekus);
        required(Setting.STATIC_DEFAULT_KEY_USAGE, this::keyUsage);
        bool(Setting.STATIC_ALLOW_DYNAMIC_CHALLENGES);
        bool(Setting.STATIC_ALLOW_RENEWALS);
        bool(Setting.STATIC_ALLOW_REQUESTED_SID_EXTENSION);
        required(Setting.STATIC_REENROLLMENT_ALLOWED_CERTIFICATE_TYPES, this::certificateTypes);

        bool(Setting.STATIC_AAD_ENABLED);
        optional(Setting.STATIC_AAD_REQUEST_PASSWORD, this::challenge);
        optional(Setting.STATIC_AAD_VALIDITY_PERIOD_DAYS, v -> wholeNumber(v, 1, 36_500));
        required(Setting.STATIC_AAD_DEFAULT_EKUS, this::ekus);
        required(Setting.STATIC_AAD_DEFAULT_KEY_USAGE, this::keyUsage);
        bool(Setting.STATIC_AAD_ALLOW_DYNAMIC_CHALLENGES);
        bool(Setting.STATIC_AAD_ALLOW_REQUESTED_SID_EXTENSION);

        bool(Setting.JAMF_ENABLED);
        optional(Setting.JAMF_REQUEST_PASSWORD, this::jamfChallenge);
        optional(Setting.JAMF_VALIDITY_PERIOD_DAYS, v -> wholeNumber(v, 1, 36_500));
        required(Setting.JAMF_DEFAULT_EKUS, this::ekus);
        required(Setting.JAMF_DEFAULT_KEY_USAGE, this::keyUsage);
        bool(Setting.JAMF_ALLOW_DYNAMIC_CHALLENGES);
        bool(Setting.JAMF_ALLOW_REQUESTED_SID_EXTENSION);

        bool(Setting.DC_ENABLED);
        optional(Setting.DC_REQUEST_PASSWORD, this::challenge);
        optional(Setting.DC_VALIDITY_PERIOD_DAYS, v -> wholeNumber(v, 1, 36_500));
        bool(Setting.DC_ALLOW_DYNAMIC_CHALLENGES);
        bool(Setting.DC_ALLOW_REQUESTED_SID_EXTENSION);

        bool(Setting.INTUNE_ALLOW_REQUESTED_SID_EXTENSION);

        bool(Setting.DB_CSR_ENABLED);
        optional(Setting.DB_CSR_VALIDITY_PERIOD_DAYS, v -> wholeNumber(v, 1, 36_500));
        required(Setting.DB_CSR_DEFAULT_EKUS, this::ekus);
        bool(Setting.DB_CSR_ALLOW_REQUESTED_SID_EXTENSION);

        bool(Setting.OCSP_USE_AUTHORIZED_RESPONDER);
        required(Setting.OCSP_AUTHORIZED_RESPONDER_VALIDITY_HOURS, v -> positiveDuration(v, java.time.Duration.ofHours(1), 1, 24 * 365));
        integer(Setting.OCSP_CACHE_SECONDS_IF_DEVICE_EXISTS, 1, 7 * 24 * 3600);
        integer(Setting.OCSP_CACHE_SECONDS_IF_DEVICE_DISABLED, 1, 7 * 24 * 3600);
        integer(Setting.OCSP_RESPONSE_CACHE_SECONDS, 0, 3600);
        integer(Setting.OCSP_CONCURRENT_SIGNING_LIMIT, 1, 100_000);

        optional(Setting.CRL_REQUEST_TOKEN, this::challenge);
        required(Setting.CRL_SOURCE, v -> oneOf(v, "None", "Storage"));
        required(Setting.CRL_VALIDITY_DAYS, v -> positiveDuration(v, java.time.Duration.ofDays(1), 0.01, 3650));
        bool(Setting.CRL_ADD_CDP);

        required(Setting.DIRECTORY_TYPE, v -> oneOf(v, "Embedded", "Ldap"));
        integer(Setting.DIRECTORY_CACHE_SECONDS, 0, 3600);
        integer(Setting.STORE_REVOCATION_REFRESH_SECONDS, 1, 3600);

        required(Setting.ROOT_SUBJECT, this::distinguishedName);
        required(Setting.ROOT_KEY_TYPE, this::keyType);
        bindRootKeySize();
        integer(Setting.ROOT_DAYS_EXPIRES_IN, 1, 36_500);
        bool(Setting.ROOT_ADD_EXTENDED_KEY_USAGE);

        optional(Setting.DATABASE_URL, this::jdbcUrl);
        optional(Setting.DATABASE_USER, v -> v);
        optional(Setting.DATABASE_PASSWORD, v -> v);

        optional(Setting.AUTH_APPLICATION_ID, ScepterSettings::guid);
        optional(Setting.AUTH_APPLICATION_KEY, v -> v);
        optional(Setting.AUTH_MANAGED_IDENTITY_ENABLED_ON_UNIX_TIME, v -> java.time.Instant.ofEpochSecond(wholeNumber(v, 0, Integer.MAX_VALUE)));
        optional(Setting.AUTH_MANAGED_IDENTITY_PERMISSION_LEVEL, v -> wholeNumber(v, -1, 2));
        optional(Setting.AUTH_MANAGED_IDENTITY_ENABLED_FOR_WEBSITE_HOSTNAME, v -> v);

        optional(Setting.HTTPS_PORT, v -> wholeNumber(v, 0, 65_535));
        optional(Setting.HTTPS_KEY_STORE, v -> Path.of(v));
        optional(Setting.HTTPS_KEY_STORE_PASSWORD, v -> v);
        optional(Setting.HTTPS_HOST_NAMES, this::list);
        bool(Setting.TRUST_FORWARDED_HEADERS);

        requirePasswordWhenEnabled(Setting.STATIC_AAD_ENABLED, Setting.STATIC_AAD_REQUEST_PASSWORD, Setting.STATIC_AAD_ALLOW_DYNAMIC_CHALLENGES);
        requirePasswordWhenEnabled(Setting.JAMF_ENABLED, Setting.JAMF_REQUEST_PASSWORD, Setting.JAMF_ALLOW_DYNAMIC_CHALLENGES);
        requirePasswordWhenEnabled(Setting.DC_ENABLED, Setting.DC_REQUEST_PASSWORD, Setting.DC_ALLOW_DYNAMIC_CHALLENGES);
        if (Boolean.TRUE.equals(values.get(Setting.CRL_ADD_CDP)) && !values.containsKey(Setting.CRL_REQUEST_TOKEN)) {
            errors.add(Setting.CRL_ADD_CDP.key() + ": needs " + Setting.CRL_REQUEST_TOKEN.key() + ", which the CRL's URL carries");
        }
        if (values.containsKey(Setting.HTTPS_KEY_STORE) && !values.containsKey(Setting.HTTPS_KEY_STORE_PASSWORD)) {
            errors.add(Setting.HTTPS_KEY_STORE_PASSWORD.key() + ": required when " + Setting.HTTPS_KEY_STORE.key() + " is set");
        }
    }

    // --- typed accessors -------------------------------------------------------------------

    public Optional<URI> baseUrl() {
        return optionalValue(Setting.BASE_URL);
    }

    public int validityPeriodDays() {
        return value(Setting.VALIDITY_PERIOD_DAYS);
    }

    public int validityClockSkewMinutes() {
        return value(Setting.VALIDITY_CLOCK_SKEW_MINUTES);
    }

    public boolean useRequestedKeyUsages() {
        return value(Setting.USE_REQUESTED_KEY_USAGES);
    }

    /** The OID of the SCEP response's content encryption. */
    public String scepResponseEncryptionAlgorithm() {
        return value(Setting.SCEP_RESPONSE_ENCRYPTION_ALGORITHM);
    }

    public int concurrentScepRequestLimit() {
        return value(Setting.CONCURRENT_SCEP_REQUEST_LIMIT);
    }

    public boolean staticEnabled() {
        return value(Setting.STATIC_ENABLED);
    }

    public Optional<String> staticRequestPassword() {
        return optionalValue(Setting.STATIC_REQUEST_PASSWORD);
    }

    /** EKU OIDs. */
    public List<String> staticDefaultEkus() {
        return value(Setting.STATIC_DEFAULT_EKUS);
    }

    /** RFC 5280 KeyUsage bits as BouncyCastle's {@code KeyUsage} takes them. */
    public int staticDefaultKeyUsage() {
        return value(Setting.STATIC_DEFAULT_KEY_USAGE);
    }

    /**
     * One SCEP endpoint's settings, read under {@code AppConfig:<section>:}: {@code StaticValidation},
     * {@code StaticAADValidation}, {@code JamfValidation}, {@code DCValidation} or {@code IntuneValidation}.
     * A setting SCEPman does not have for that endpoint comes back empty (or {@code false}).
     */
    public EndpointSettings endpoint(String section) {
        return new EndpointSettings(section,
                this.<Boolean>endpointValue(section, "Enabled").orElse(false),
                endpointValue(section, "RequestPassword"),
                endpointValue(section, "ValidityPeriodDays"),
                endpointValue(section, "DefaultEkus"),
                endpointValue(section, "DefaultKeyUsage"),
                this.<Boolean>endpointValue(section, "AllowDynamicChallenges").orElse(false),
                this.<Boolean>endpointValue(section, "AllowRenewals").orElse(false),
                this.<List<String>>endpointValue(section, "ReenrollmentAllowedCertificateTypes").orElse(List.of()),
                this.<Boolean>endpointValue(section, "AllowRequestedSidExtension").orElse(false));
    }

    private <T> Optional<T> endpointValue(String section, String name) {
        return Setting.byName("AppConfig:" + section + ":" + name).flatMap(this::optionalValue);
    }

    /** Whether certificates carry Microsoft's Entra tenant and device id extensions ({@code AppConfig:AddMicrosoftAADExtensions}). */
    public boolean addMicrosoftAadExtensions() {
        return value(Setting.ADD_MICROSOFT_AAD_EXTENSIONS);
    }

    /** Whether certificates of users and devices carry the SID extension from the directory ({@code AppConfig:AddSidExtension}). */
    public boolean addSidExtension() {
        return value(Setting.ADD_SID_EXTENSION);
    }

    /** The Entra tenant, written into the tenant id extension. */
    public Optional<java.util.UUID> tenantId() {
        return optionalValue(Setting.AUTH_TENANT_ID);
    }

    /** Whether {@code POST /api/csr} is served. */
    public boolean dbCsrEnabled() {
        return value(Setting.DB_CSR_ENABLED);
    }

    public Optional<Integer> dbCsrValidityPeriodDays() {
        return optionalValue(Setting.DB_CSR_VALIDITY_PERIOD_DAYS);
    }

    public List<String> dbCsrDefaultEkus() {
        return value(Setting.DB_CSR_DEFAULT_EKUS);
    }

    /** Whether {@code POST /api/csr} keeps a SID its caller asks for (a strong mapping to that account in Windows). */
    public boolean dbCsrAllowRequestedSid() {
        return value(Setting.DB_CSR_ALLOW_REQUESTED_SID_EXTENSION);
    }

    public boolean ocspUseAuthorizedResponder() {
        return value(Setting.OCSP_USE_AUTHORIZED_RESPONDER);
    }

    public java.time.Duration ocspAuthorizedResponderValidity() {
        return value(Setting.OCSP_AUTHORIZED_RESPONDER_VALIDITY_HOURS);
    }

    public int ocspCacheSecondsIfDeviceExists() {
        return value(Setting.OCSP_CACHE_SECONDS_IF_DEVICE_EXISTS);
    }

    public int ocspCacheSecondsIfDeviceDisabled() {
        return value(Setting.OCSP_CACHE_SECONDS_IF_DEVICE_DISABLED);
    }

    public int ocspResponseCacheSeconds() {
        return value(Setting.OCSP_RESPONSE_CACHE_SECONDS);
    }

    /** OCSP responses evaluated and signed at once; beyond it, tryLater at once. */
    public int ocspConcurrentSigningLimit() {
        return value(Setting.OCSP_CONCURRENT_SIGNING_LIMIT);
    }

    public Optional<String> crlRequestToken() {
        return optionalValue(Setting.CRL_REQUEST_TOKEN);
    }

    /** {@code None} or {@code Storage}. */
    public String crlSource() {
        return value(Setting.CRL_SOURCE);
    }

    public java.time.Duration crlValidity() {
        return value(Setting.CRL_VALIDITY_DAYS);
    }

    public boolean crlAddCdp() {
        return value(Setting.CRL_ADD_CDP);
    }

    /** {@code Embedded} or {@code Ldap}. */
    public String directoryType() {
        return value(Setting.DIRECTORY_TYPE);
    }

    public int directoryCacheSeconds() {
        return value(Setting.DIRECTORY_CACHE_SECONDS);
    }

    public int storeRevocationRefreshSeconds() {
        return value(Setting.STORE_REVOCATION_REFRESH_SECONDS);
    }

    /** Any setting by name, as given, for adapters that bind their own (LDAP). */
    public Optional<String> raw(String name) {
        return raw.value(name).filter(v -> !v.isBlank());
    }

    public String rootSubject() {
        return value(Setting.ROOT_SUBJECT);
    }

    /** {@code RSA} or {@code EC} (the {@code -HSM} variants mean the same key in a local installation). */
    public String rootKeyType() {
        return value(Setting.ROOT_KEY_TYPE);
    }

    /** RSA modulus bits, or the EC curve's size (256, 384, 521 for P-256, P-384, P-521). */
    public int rootKeySize() {
        return value(Setting.ROOT_KEY_SIZE);
    }

    public int rootDaysExpiresIn() {
        return value(Setting.ROOT_DAYS_EXPIRES_IN);
    }

    public boolean rootAddExtendedKeyUsage() {
        return value(Setting.ROOT_ADD_EXTENDED_KEY_USAGE);
    }

    public Optional<String> databaseUrl() {
        return optionalValue(Setting.DATABASE_URL);
    }

    public Optional<String> databaseUser() {
        return optionalValue(Setting.DATABASE_USER);
    }

    public Optional<String> databasePassword() {
        return optionalValue(Setting.DATABASE_PASSWORD);
    }

    /** 2.x: the SCEPman-api app that callers of the API get tokens for; 1.x: the app the core signs in as. */
    public Optional<java.util.UUID> applicationId() {
        return optionalValue(Setting.AUTH_APPLICATION_ID);
    }

    /** 1.x only: the secret the core signs in with before it uses its managed identity. */
    public Optional<String> applicationKey() {
        return optionalValue(Setting.AUTH_APPLICATION_KEY);
    }

    public Optional<java.time.Instant> managedIdentityEnabledOn() {
        return optionalValue(Setting.AUTH_MANAGED_IDENTITY_ENABLED_ON_UNIX_TIME);
    }

    public Optional<Integer> managedIdentityPermissionLevel() {
        return optionalValue(Setting.AUTH_MANAGED_IDENTITY_PERMISSION_LEVEL);
    }

    /** The App Service app this instance runs as ({@code WEBSITE_SITE_NAME}), when it runs on App Service. */
    public Optional<String> appServiceName() {
        return raw(SettingsSources.APP_SERVICE_NAME);
    }

    /** The deployment slot ({@code WEBSITE_SLOT_NAME}), unless it is production. */
    public Optional<String> deploymentSlotName() {
        return raw(SettingsSources.APP_SERVICE_SLOT).filter(s -> !s.equalsIgnoreCase("Production"));
    }

    public Optional<Integer> httpsPort() {
        return optionalValue(Setting.HTTPS_PORT);
    }

    public Optional<Path> httpsKeyStore() {
        return optionalValue(Setting.HTTPS_KEY_STORE);
    }

    public Optional<String> httpsKeyStorePassword() {
        return optionalValue(Setting.HTTPS_KEY_STORE_PASSWORD);
    }

    public List<String> httpsHostNames() {
        return this.<List<String>>optionalValue(Setting.HTTPS_HOST_NAMES).orElse(List.of());
    }

    public boolean trustForwardedHeaders() {
        return value(Setting.TRUST_FORWARDED_HEADERS);
    }

    /** Given {@code AppConfig:} settings that nothing honours. */
    public List<IgnoredSetting> ignored() {
        return IgnoredSetting.in(raw);
    }

    /** Whether a setting was given (rather than defaulted). */
    public boolean isGiven(Setting setting) {
        return raw.entry(setting.key()).filter(e -> !e.value().isBlank()).isPresent();
    }

    @Override
    public String toString() {
        // Secrets never reach a log through toString().
        StringBuilder out = new StringBuilder("ScepterSettings[");
        values.forEach((setting, value) -> out.append(setting.key()).append('=')
                .append(setting.isSecret() ? "<hidden>" : value).append(", "));
        return out.append(']').toString();
    }

    // --- binding ----------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private <T> T value(Setting setting) {
        return (T) values.get(setting);
    }

    @SuppressWarnings("unchecked")
    private <T> Optional<T> optionalValue(Setting setting) {
        return Optional.ofNullable((T) values.get(setting));
    }

    @FunctionalInterface
    private interface Parser {
        Object parse(String value) throws IllegalArgumentException;
    }

    private void required(Setting setting, Parser parser) {
        String given = raw.value(setting.key()).filter(v -> !v.isBlank()).orElse(null);
        String text = given != null ? given : setting.defaultValue().orElseThrow();
        parse(setting, text, parser);
    }

    private void optional(Setting setting, Parser parser) {
        raw.value(setting.key()).filter(v -> !v.isBlank()).or(setting::defaultValue).ifPresent(text -> parse(setting, text, parser));
    }

    private void parse(Setting setting, String text, Parser parser) {
        try {
            values.put(setting, parser.parse(text.trim()));
        } catch (IllegalArgumentException e) {
            String where = raw.entry(setting.key()).map(entry -> " (from " + entry.source() + ")").orElse("");
            String shown = setting.isSecret() ? "" : " '" + text + "'";
            errors.add(setting.key() + where + ":" + shown + " " + e.getMessage());
        }
    }

    private void integer(Setting setting, int min, int max) {
        required(setting, v -> wholeNumber(v, min, max));
    }

    private void bool(Setting setting) {
        required(setting, v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        });
    }

    private static int wholeNumber(String value, int min, int max) {
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
        }
        if (number < min || number > max) {
            throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
        }
        return number;
    }

    /** A decimal number of {@code unit}s (SCEPman writes days and hours with fractions: 0.1 days). */
    private static java.time.Duration positiveDuration(String value, java.time.Duration unit, double min, double max) {
        double amount;
        try {
            amount = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a number from " + min + " to " + max);
        }
        if (!(amount >= min && amount <= max)) {
            throw new IllegalArgumentException("must be a number from " + min + " to " + max);
        }
        return java.time.Duration.ofMillis(Math.round(amount * unit.toMillis()));
    }

    /** One of the given words, in any letter case; returned as spelled here. */
    private static String oneOf(String value, String... allowed) {
        for (String word : allowed) {
            if (word.equalsIgnoreCase(value)) {
                return word;
            }
        }
        throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
    }

    private URI absoluteHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an absolute http:// or https:// URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be an absolute http:// or https:// URL");
        }
    }

    private String responseEncryption(String value) {
        List<String> allowed = List.of("2.16.840.1.101.3.4.1.42", "2.16.840.1.101.3.4.1.2", "1.2.840.113549.3.7");
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException("must be one of 2.16.840.1.101.3.4.1.42 (AES-256-CBC), "
                    + "2.16.840.1.101.3.4.1.2 (AES-128-CBC) or 1.2.840.113549.3.7 (3DES)");
        }
        return value;
    }

    private String challenge(String value) {
        // Windows' SCEP client rejects challenges with characters outside printable ASCII.
        if (!value.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("must hold printable ASCII characters only");
        }
        return value;
    }

    private static final List<String> CERTIFICATE_TYPES = List.of("DomainController", "Static", "IntuneUser", "IntuneDevice",
            "JamfUser", "JamfUserWithDevice", "JamfUserWithComputer", "JamfDevice", "JamfComputer");

    private List<String> certificateTypes(String value) {
        List<String> types = new ArrayList<>();
        for (String item : list(value)) {
            String known = CERTIFICATE_TYPES.stream().filter(t -> t.equalsIgnoreCase(item)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'" + item + "' is not a certificate type ("
                            + String.join(", ", CERTIFICATE_TYPES) + ")"));
            types.add(known);
        }
        return List.copyOf(types);
    }

    private List<String> ekus(String value) {
        List<String> oids = new ArrayList<>();
        for (String item : list(value)) {
            String oid = EKU_NAMES.getOrDefault(item.toLowerCase(Locale.ROOT), item);
            if (!OID.matcher(oid).matches()) {
                throw new IllegalArgumentException("'" + item + "' is neither an OID nor a known EKU name");
            }
            oids.add(oid);
        }
        if (oids.isEmpty()) {
            throw new IllegalArgumentException("must name at least one EKU");
        }
        return List.copyOf(oids);
    }

    private int keyUsage(String value) {
        int bits = 0;
        for (String flag : value.split("[|,;\\s]+")) {
            if (flag.isEmpty()) {
                continue;
            }
            Integer bit = KEY_USAGE_FLAGS.get(flag.toLowerCase(Locale.ROOT));
            if (bit == null) {
                throw new IllegalArgumentException("'" + flag + "' is not a key usage (" + String.join(", ",
                        Arrays.asList("DigitalSignature", "NonRepudiation", "KeyEncipherment", "DataEncipherment",
                                "KeyAgreement", "KeyCertSign", "CrlSign", "EncipherOnly", "DecipherOnly")) + ")");
            }
            bits |= bit;
        }
        if (bits == 0) {
            throw new IllegalArgumentException("must name at least one key usage");
        }
        return bits;
    }

    private String distinguishedName(String value) {
        if (!value.matches("(?s).*\\b[A-Za-z][A-Za-z0-9-]*\\s*=.+")) {
            throw new IllegalArgumentException("must be a distinguished name such as CN=Example Root CA,O=Example");
        }
        return value;
    }

    /** Key Vault's key types; a local installation keeps either kind in {@code ca.p12}. */
    private String keyType(String value) {
        return switch (value.toUpperCase(Locale.ROOT)) {
            case "RSA", "RSA-HSM" -> "RSA";
            case "EC", "EC-HSM" -> "EC";
            default -> throw new IllegalArgumentException("must be RSA, RSA-HSM, EC or EC-HSM");
        };
    }

    /** The size's meaning, and so its default, follow the key type: 4096 bits for RSA, P-256 for EC. */
    private void bindRootKeySize() {
        boolean ec = "EC".equals(values.get(Setting.ROOT_KEY_TYPE));
        String given = raw.value(Setting.ROOT_KEY_SIZE.key()).filter(v -> !v.isBlank()).orElse(ec ? "256" : "4096");
        parse(Setting.ROOT_KEY_SIZE, given, v -> {
            int size = wholeNumber(v, 256, 4096);
            List<Integer> allowed = ec ? List.of(256, 384, 521) : List.of(2048, 3072, 4096);
            if (!allowed.contains(size)) {
                throw new IllegalArgumentException(ec ? "must be 256, 384 or 521 (P-256, P-384, P-521) for an EC key"
                        : "must be 2048, 3072 or 4096 for an RSA key");
            }
            return size;
        });
    }

    private void requirePasswordWhenEnabled(Setting enabled, Setting password, Setting allowDynamic) {
        if (Boolean.TRUE.equals(values.get(enabled)) && !values.containsKey(password) && !Boolean.TRUE.equals(values.get(allowDynamic))) {
            errors.add(password.key() + ": required when " + enabled.key() + " is true (unless " + allowDynamic.key()
                    + " is, and only one-time challenges are used)");
        }
    }

    /** Jamf Pro refuses a SCEP challenge longer than 32 characters, so a longer one could never be used. */
    private String jamfChallenge(String value) {
        challenge(value);
        if (value.length() > 32) {
            throw new IllegalArgumentException("must be at most 32 characters, the most Jamf Pro accepts (this one has "
                    + value.length() + ")");
        }
        return value;
    }

    private static java.util.UUID guid(String value) {
        try {
            if (value.length() == 36) {
                return java.util.UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("must be a GUID such as 00000000-0000-0000-0000-000000000000");
    }

    private String jdbcUrl(String value) {
        if (!value.startsWith("jdbc:")) {
            throw new IllegalArgumentException("must be a JDBC URL such as jdbc:postgresql://db.example:5432/scepter");
        }
        return value;
    }

    private List<String> list(String value) {
        return Arrays.stream(value.split("[,;\\s]+")).filter(s -> !s.isEmpty()).toList();
    }
}
