package dev.scepter.azure.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.authority.store.RevokedCertificate;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchPosition;
import dev.scepter.authority.store.SearchQuery;
import dev.scepter.authority.store.SerialNumberCollisionException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link CertificateStore} on the {@code Certificates} table ({@link CertificateEntity}). A record
 * is an insert that Table Storage refuses (409) when the serial is taken; a revocation and a
 * release are conditional updates on the entity's ETag, retried when another node changed it in
 * between, so of concurrent revocations exactly one wins, on every node sharing the account.
 */
final class TableCertificateStore implements CertificateStore {

    /** Rounds of read-then-conditional-update before giving up; more than one only when other writers interfere. */
    private static final int UPDATE_ATTEMPTS = 10;

    /** Edm.DateTime's range: a bound outside it means everything, or nothing. */
    private static final Instant EARLIEST = Instant.parse("1601-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private final TableClient table;
    private final Tables.Guard guard;
    private final Clock clock;
    private final TableCertificateSearch search;

    TableCertificateStore(TableClient table, Tables.Guard guard, Clock clock) {
        this.table = table;
        this.guard = guard;
        this.clock = clock;
        this.search = new TableCertificateSearch();
    }

    @Override
    public void record(IssuedCertificate certificate) {
        TableEntity entity = CertificateEntity.of(certificate, clock.instant());
        call(() -> {
            try {
                table.createEntity(entity);
            } catch (RuntimeException e) {
                if (Tables.status(e, 409)) {
                    throw Tables.refuse(new SerialNumberCollisionException(certificate.serialNumber(), e));
                }
                throw e;
            }
            return null;
        });
        counted = null;
    }

    @Override
    public Optional<IssuedCertificate> find(String issuer, BigInteger serialNumber) {
        return call(() -> get(issuer, serialNumber).map(CertificateEntity::read));
    }

    @Override
    public List<IssuedCertificate> findByTransactionId(String issuer, String transactionId) {
        String filter = Tables.eq("PartitionKey", CertificateEntity.partition(issuer)) + " and "
                + Tables.eq(CertificateEntity.TRANSACTION_ID, transactionId);
        return call(() -> Tables.list(table, filter, null).stream().map(CertificateEntity::read).toList());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Table Storage cannot count: every row's key is read. The homepage asks on every load, so
     * the number is kept {@link #COUNT_KEPT}; a certificate this node records clears it, those of
     * other nodes show within that time.
     */
    @Override
    public long count() {
        Counted kept = counted;
        Instant now = clock.instant();
        if (kept != null && now.isBefore(kept.at().plus(COUNT_KEPT))) {
            return kept.count();
        }
        long count = call(() -> (long) Tables.list(table, null, List.of("PartitionKey")).size());
        counted = new Counted(count, now);
        return count;
    }

    static final java.time.Duration COUNT_KEPT = java.time.Duration.ofSeconds(30);

    private record Counted(long count, Instant at) {
    }

    private volatile Counted counted;

    @Override
    public long countByEndpoint(String endpoint) {
        return call(() -> (long) Tables.list(table, Tables.eq(CertificateEntity.ENDPOINT, endpoint), List.of("PartitionKey")).size());
    }

    @Override
    public RevocationOutcome revoke(String issuer, BigInteger serialNumber, Revocation revocation) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(revocation, "revocation");
        return call(() -> {
            for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
                Optional<TableEntity> found = get(issuer, serialNumber);
                if (found.isEmpty()) {
                    return RevocationOutcome.NOT_FOUND;
                }
                TableEntity entity = found.get();
                Optional<Revocation> current = CertificateEntity.revocation(entity);
                // The first revocation stands; only a delivery hold gives way to one.
                if (current.isPresent() && !current.get().isDeliveryHold()) {
                    return RevocationOutcome.ALREADY_REVOKED;
                }
                if (current.isPresent() && revocation.isDeliveryHold()) {
                    return RevocationOutcome.ALREADY_REVOKED;
                }
                CertificateEntity.setRevocation(entity, Optional.of(revocation));
                if (Tables.updateIfUnchanged(table, entity)) {
                    return RevocationOutcome.REVOKED;
                }
            }
            throw new dev.scepter.authority.store.StoreUnavailableException("the certificate kept changing under the revocation; try again", null);
        });
    }

    @Override
    public boolean release(String issuer, BigInteger serialNumber) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(serialNumber, "serialNumber");
        return call(() -> {
            for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
                Optional<TableEntity> found = get(issuer, serialNumber);
                if (found.isEmpty() || !CertificateEntity.revocation(found.get()).map(Revocation::isDeliveryHold).orElse(false)) {
                    return false;
                }
                TableEntity entity = found.get();
                CertificateEntity.setRevocation(entity, Optional.empty());
                if (Tables.updateIfUnchanged(table, entity)) {
                    return true;
                }
            }
            throw new dev.scepter.authority.store.StoreUnavailableException("the certificate kept changing under the release; try again", null);
        });
    }

    @Override
    public List<RevokedCertificate> revocations(String issuer) {
        Objects.requireNonNull(issuer, "issuer");
        String filter = Tables.eq("PartitionKey", CertificateEntity.partition(issuer)) + " and " + CertificateEntity.REVOKED + " eq true";
        return call(() -> Tables.list(table, filter, List.of("RowKey", CertificateEntity.REVOCATION_REASON,
                        CertificateEntity.REVOCATION_DATE, CertificateEntity.REVOKED_BY)).stream()
                .map(entity -> new RevokedCertificate(CertificateEntity.serial(entity), CertificateEntity.revocation(entity).orElseThrow()))
                .toList());
    }

    @Override
    public void forEachSerialRecordedSince(String issuer, Instant since, java.util.function.Consumer<BigInteger> visitor) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(visitor, "visitor");
        if (since.isAfter(LATEST)) {
            return;
        }
        // The index refresher asks every few seconds for what is new: Table Storage filters by the time, so the
        // answer is the few rows since, not the partition. Azurite compares such times to the millisecond only
        // (never excluding a row it should keep), so the exact bound is applied here again. At start the whole
        // partition is read, a page at a time with only the row key (the serial) and the time, and no page kept.
        String filter = Tables.eq("PartitionKey", CertificateEntity.partition(issuer)) + (since.isBefore(EARLIEST) ? ""
                : " and " + CertificateEntity.RECORDED_AT + " ge datetime'" + DateTimeFormatter.ISO_INSTANT.format(
                        since.truncatedTo(ChronoUnit.MICROS).plusNanos(since.getNano() % 1000 == 0 ? 0 : 1000)) + "'");
        call(() -> {
            Tables.forEach(table, filter, List.of("RowKey", CertificateEntity.RECORDED_AT), entity -> {
                if (!Tables.instant(entity, CertificateEntity.RECORDED_AT).isBefore(since)) {
                    visitor.accept(CertificateEntity.serial(entity));
                }
            });
            return null;
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the continuation token is not one this store gave
     *                                  out; the message may be shown to the client
     */
    @Override
    public SearchPage search(String issuer, SearchQuery query) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(query, "query");
        SearchPosition after = query.continuationToken().map(SearchPosition::decode).orElse(null);
        // The partition is read without the DER (and the other columns the search does not look at): the DERs
        // are fetched for the page's rows only, the bulk of what a search would otherwise carry.
        List<TableEntity> partition = call(() -> Tables.list(table, Tables.eq("PartitionKey", CertificateEntity.partition(issuer)),
                CertificateEntity.SEARCHED));
        SearchPage page = search.page(partition, query, after);
        List<BigInteger> serials = page.items().stream().map(IssuedCertificate::serialNumber).toList();
        Map<BigInteger, IssuedCertificate> whole = call(() -> whole(issuer, serials));
        // A row deleted between the two reads cannot be: the store never deletes a certificate.
        return new SearchPage(serials.stream().map(serial -> Objects.requireNonNull(whole.get(serial), "certificate " + serial)).toList(),
                page.continuationToken());
    }

    @Override
    public Map<String, Long> countMatchingByEndpoint(String issuer, SearchQuery query) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(query, "query");
        List<TableEntity> partition = call(() -> Tables.list(table, Tables.eq("PartitionKey", CertificateEntity.partition(issuer)),
                CertificateEntity.SEARCHED));
        return search.countByEndpoint(partition, query);
    }

    /**
     * Table Storage allows 15 comparisons in one filter: the page's rows are read by their row
     * keys in groups of {@value #ROWS_PER_FILTER} (with the partition's comparison), not one call each.
     */
    private static final int ROWS_PER_FILTER = 14;

    private Map<BigInteger, IssuedCertificate> whole(String issuer, List<BigInteger> serials) {
        Map<BigInteger, IssuedCertificate> whole = new java.util.HashMap<>();
        for (int from = 0; from < serials.size(); from += ROWS_PER_FILTER) {
            String rows = serials.subList(from, Math.min(serials.size(), from + ROWS_PER_FILTER)).stream()
                    .map(serial -> Tables.eq("RowKey", CertificateEntity.row(serial))).collect(java.util.stream.Collectors.joining(" or "));
            Tables.list(table, Tables.eq("PartitionKey", CertificateEntity.partition(issuer)) + " and (" + rows + ")", null).stream()
                    .map(CertificateEntity::read).forEach(certificate -> whole.put(certificate.serialNumber(), certificate));
        }
        return whole;
    }

    /** The most entities one Table Storage transaction takes (all in one partition). */
    static final int ENTITIES_PER_TRANSACTION = 100;

    /**
     * The serials recorded for {@code issuer}, each with its revocation: one listing of the
     * partition (a request per thousand rows), reading no certificate.
     */
    Map<BigInteger, Optional<Revocation>> recorded(String issuer) {
        return call(() -> {
            Map<BigInteger, Optional<Revocation>> recorded = new java.util.HashMap<>();
            for (TableEntity entity : Tables.list(table, Tables.eq("PartitionKey", CertificateEntity.partition(issuer)),
                    List.of("PartitionKey", "RowKey", CertificateEntity.REVOCATION_REASON, CertificateEntity.REVOCATION_DATE,
                            CertificateEntity.REVOKED_BY))) {
                recorded.put(CertificateEntity.serial(entity), CertificateEntity.revocation(entity));
            }
            return recorded;
        });
    }

    /**
     * Records certificates of one issuer that another store recorded first, each with the time it
     * was recorded there: in transactions of {@link #ENTITIES_PER_TRANSACTION}. A transaction that
     * fails because one of its serials is taken meanwhile (another node copying the same) is
     * recorded one by one, leaving the taken ones as they are.
     *
     * @return how many were recorded (taken ones not counted)
     */
    long recordAll(String issuer, List<TableStorage.Recorded> certificates) {
        long recorded = 0;
        for (int from = 0; from < certificates.size(); from += ENTITIES_PER_TRANSACTION) {
            List<TableStorage.Recorded> chunk = certificates.subList(from, Math.min(certificates.size(), from + ENTITIES_PER_TRANSACTION));
            List<com.azure.data.tables.models.TableTransactionAction> actions = new java.util.ArrayList<>();
            for (TableStorage.Recorded one : chunk) {
                if (!one.certificate().issuer().equals(issuer)) {
                    throw new IllegalArgumentException("certificate " + one.certificate().serialHex() + " is not of " + issuer);
                }
                actions.add(new com.azure.data.tables.models.TableTransactionAction(
                        com.azure.data.tables.models.TableTransactionActionType.CREATE, CertificateEntity.of(one.certificate(), one.recordedAt())));
            }
            boolean whole = call(() -> {
                try {
                    table.submitTransaction(actions);
                    return true;
                } catch (RuntimeException e) {
                    if (Tables.status(e, 409)) {
                        return false;
                    }
                    throw e;
                }
            });
            if (whole) {
                recorded += chunk.size();
                continue;
            }
            for (TableStorage.Recorded one : chunk) {
                TableEntity entity = CertificateEntity.of(one.certificate(), one.recordedAt());
                recorded += call(() -> {
                    try {
                        table.createEntity(entity);
                        return 1L;
                    } catch (RuntimeException e) {
                        if (Tables.status(e, 409)) {
                            return 0L;
                        }
                        throw e;
                    }
                });
            }
        }
        counted = null;
        return recorded;
    }

    /** Sets when a certificate was recorded: for tests, which cannot wait for the clock. */
    void setRecordedAt(String issuer, BigInteger serialNumber, Instant recordedAt) {
        call(() -> {
            TableEntity entity = new TableEntity(CertificateEntity.partition(issuer), CertificateEntity.row(serialNumber));
            entity.addProperty(CertificateEntity.RECORDED_AT, Tables.time(recordedAt));
            table.updateEntity(entity, TableEntityUpdateMode.MERGE);
            return null;
        });
    }

    private Optional<TableEntity> get(String issuer, BigInteger serialNumber) {
        try {
            return Optional.of(table.getEntity(CertificateEntity.partition(issuer), CertificateEntity.row(serialNumber)));
        } catch (RuntimeException e) {
            if (Tables.status(e, 404) && !isTableMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static boolean isTableMissing(RuntimeException e) {
        return e instanceof com.azure.data.tables.models.TableServiceException service && service.getValue() != null
                && service.getValue().getErrorCode() != null && "TableNotFound".equals(service.getValue().getErrorCode().toString());
    }

    private <T> T call(java.util.function.Supplier<T> work) {
        return Tables.call(guard, Tables.CERTIFICATES, work);
    }
}
