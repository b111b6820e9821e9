package dev.scepter.azure.tables;

import com.azure.data.tables.models.TableEntity;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.StoredBindingKind;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * An {@link IssuedCertificate} as an entity of the {@code Certificates} table, both ways. The
 * partition is the issuer, the row key the serial in upper-case hex (SCEPman's likely row key,
 * and {@link IssuedCertificate#serialHex()}). SCEPman's columns ({@code Subject}, {@code Requester},
 * {@code ExpirationDate}, {@code FQDNs}, {@code Revoked}) are kept as SCEPman names them, so a
 * query written for SCEPman's table reads ours; the rest are what this CA needs besides.
 */
final class CertificateEntity {

    static final String SERIAL_NUMBER = "SerialNumber";
    static final String ISSUER = "Issuer";
    static final String SUBJECT = "Subject";
    static final String SUBJECT_ALT_NAMES = "SubjectAltNames";
    static final String FQDNS = "FQDNs";
    static final String UPN = "UPN";
    static final String REQUESTER = "Requester";
    static final String VALID_FROM = "ValidFrom";
    static final String EXPIRATION_DATE = "ExpirationDate";
    static final String ENDPOINT = "Endpoint";
    static final String TRANSACTION_ID = "TransactionId";
    static final String BINDING_KIND = "BindingKind";
    static final String BINDING_OBJECT_ID = "BindingObjectId";
    static final String REVOKED = "Revoked";
    static final String REVOCATION_REASON = "RevocationReason";
    static final String REVOCATION_DATE = "RevocationDate";
    static final String REVOKED_BY = "RevokedBy";
    static final String CERTIFICATE = "Certificate";
    static final String REQUEST_SHA256 = "RequestSha256";
    /** The SHA-1 thumbprint, upper-case hex, for the search (written since the search matches it; older rows have none). */
    static final String THUMBPRINT = "Thumbprint";
    /** When this store recorded it (the SQL stores' {@code issued_at}); Table Storage's own Timestamp moves on every update. */
    static final String RECORDED_AT = "RecordedAt";

    /** The columns the certificate search matches, orders and filters on: all but the DER and the request digest. */
    static final List<String> SEARCHED = List.of("PartitionKey", "RowKey", ISSUER, SUBJECT, SUBJECT_ALT_NAMES, REQUESTER, VALID_FROM,
            EXPIRATION_DATE, ENDPOINT, REVOCATION_REASON, REVOCATION_DATE, REVOKED_BY, RECORDED_AT, BINDING_KIND, BINDING_OBJECT_ID,
            THUMBPRINT);

    private CertificateEntity() {
    }

    static String partition(String issuer) {
        return Tables.key(issuer);
    }

    static String row(BigInteger serialNumber) {
        return serialNumber.toString(16).toUpperCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException when a subject alternative name cannot be kept one a line
     */
    static TableEntity of(IssuedCertificate certificate, Instant recordedAt) {
        for (String name : certificate.subjectAltNames()) {
            if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("a subject alternative name must not hold a line break");
            }
        }
        TableEntity entity = new TableEntity(partition(certificate.issuer()), row(certificate.serialNumber()));
        entity.addProperty(SERIAL_NUMBER, row(certificate.serialNumber()));
        entity.addProperty(ISSUER, certificate.issuer());
        entity.addProperty(SUBJECT, certificate.subject());
        entity.addProperty(SUBJECT_ALT_NAMES, String.join("\n", certificate.subjectAltNames()));
        entity.addProperty(FQDNS, valuesOf(certificate.subjectAltNames(), "dns:"));
        entity.addProperty(UPN, valuesOf(certificate.subjectAltNames(), "upn:"));
        entity.addProperty(REQUESTER, certificate.requester());
        entity.addProperty(VALID_FROM, Tables.time(certificate.notBefore()));
        entity.addProperty(EXPIRATION_DATE, Tables.time(certificate.notAfter()));
        entity.addProperty(ENDPOINT, certificate.endpoint());
        certificate.transactionId().ifPresent(id -> entity.addProperty(TRANSACTION_ID, id));
        certificate.binding().ifPresent(binding -> {
            entity.addProperty(BINDING_KIND, StoredBindingKind.value(binding.type()));
            entity.addProperty(BINDING_OBJECT_ID, binding.objectId().toString());
        });
        setRevocation(entity, certificate.revocation());
        entity.addProperty(CERTIFICATE, certificate.der());
        entity.addProperty(THUMBPRINT, certificate.thumbprint());
        certificate.requestDigest().ifPresent(digest -> entity.addProperty(REQUEST_SHA256, digest));
        entity.addProperty(RECORDED_AT, Tables.time(recordedAt));
        return entity;
    }

    /** Sets or clears the revocation columns; {@code Revoked} is SCEPman's flag, true for a delivery hold as well. */
    static void setRevocation(TableEntity entity, Optional<Revocation> revocation) {
        entity.addProperty(REVOKED, revocation.isPresent());
        if (revocation.isPresent()) {
            entity.addProperty(REVOCATION_REASON, revocation.get().reason());
            entity.addProperty(REVOCATION_DATE, Tables.time(revocation.get().revokedAt()));
            entity.addProperty(REVOKED_BY, revocation.get().revokedBy());
        } else {
            entity.getProperties().remove(REVOCATION_REASON);
            entity.getProperties().remove(REVOCATION_DATE);
            entity.getProperties().remove(REVOKED_BY);
        }
    }

    static IssuedCertificate read(TableEntity entity) {
        return read(entity, Objects.requireNonNull(Tables.bytes(entity, CERTIFICATE), "the certificate's DER"));
    }

    /** A row read with the {@link #SEARCHED} columns only, for the search to match: its DER is empty. */
    static IssuedCertificate searched(TableEntity entity) {
        return read(entity, new byte[0]);
    }

    private static IssuedCertificate read(TableEntity entity, byte[] der) {
        String names = Tables.string(entity, SUBJECT_ALT_NAMES);
        List<String> subjectAltNames = names == null || names.isEmpty() ? List.of() : Arrays.asList(names.split("\n", -1));
        Optional<DirectoryBinding> binding = Optional.ofNullable(Tables.string(entity, BINDING_KIND))
                .map(kind -> new DirectoryBinding(bindingKind(kind), UUID.fromString(Tables.string(entity, BINDING_OBJECT_ID))));
        return new IssuedCertificate(
                serial(entity),
                Tables.string(entity, ISSUER),
                Tables.string(entity, SUBJECT),
                subjectAltNames,
                Tables.instant(entity, VALID_FROM),
                Tables.instant(entity, EXPIRATION_DATE),
                Tables.string(entity, ENDPOINT),
                Tables.string(entity, REQUESTER),
                Optional.ofNullable(Tables.string(entity, TRANSACTION_ID)),
                binding,
                revocation(entity),
                der,
                Optional.ofNullable(Tables.bytes(entity, REQUEST_SHA256)));
    }

    static BigInteger serial(TableEntity entity) {
        return new BigInteger(entity.getRowKey(), 16);
    }

    static Optional<Revocation> revocation(TableEntity entity) {
        if (entity.getProperty(REVOCATION_REASON) == null) {
            return Optional.empty();
        }
        return Optional.of(new Revocation(Tables.integer(entity, REVOCATION_REASON), Tables.instant(entity, REVOCATION_DATE),
                Tables.string(entity, REVOKED_BY)));
    }

    private static String valuesOf(List<String> subjectAltNames, String prefix) {
        return subjectAltNames.stream().filter(name -> name.regionMatches(true, 0, prefix, 0, prefix.length()))
                .map(name -> name.substring(prefix.length())).collect(Collectors.joining(","));
    }

    private static DirectoryObjectType bindingKind(String stored) {
        try {
            return StoredBindingKind.type(stored);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a certificate is bound to a kind this version does not know: " + stored, e);
        }
    }
}
