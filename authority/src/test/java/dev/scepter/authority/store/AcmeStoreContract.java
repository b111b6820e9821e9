package dev.scepter.authority.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.store.AcmeStore.Account;
import dev.scepter.authority.store.AcmeStore.Authorization;
import dev.scepter.authority.store.AcmeStore.Challenge;
import dev.scepter.authority.store.AcmeStore.Identifier;
import dev.scepter.authority.store.AcmeStore.Order;
import dev.scepter.authority.store.AcmeStore.Problem;
import dev.scepter.authority.store.AcmeStore.Status;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AcmeStore} must do, through {@link Storage#acmeStore()}: run once per backend
 * (H2, PostgreSQL, Azure Table Storage) by a subclass that says how to get an empty one, as
 * {@link StorageContract} is. The concurrency rules of the port's Javadoc are checked with threads
 * racing on one store, which is what nodes sharing it do.
 */
public abstract class AcmeStoreContract {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    protected Storage storage;

    /** Makes the backend that {@link #openStorage()} opens for this test, empty. */
    protected abstract void prepareEmptyDatabase();

    /** Opens this test's backend; every call within one test opens the same one. */
    protected abstract Storage openStorage();

    @BeforeEach
    void openEmptyStorage() {
        prepareEmptyDatabase();
        storage = openStorage();
    }

    @AfterEach
    void closeStorage() {
        if (storage != null) {
            storage.close();
        }
    }

    private AcmeStore acme() {
        return storage.acmeStore();
    }

    private static String id() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 22);
    }

    private static Account account(String thumbprint) {
        return account("default", thumbprint);
    }

    private static Account account(String profile, String thumbprint) {
        return new Account(id(), profile, "{\"kty\":\"EC\",\"x\":\"" + thumbprint + "\"}", thumbprint, Status.VALID,
                List.of("mailto:ops@example.com", "mailto:web@example.com"), Optional.of("team-web"), NOW, 0);
    }

    private static Order order(String accountId, int identifiers, Instant expires) {
        String orderId = id();
        List<Identifier> names = new ArrayList<>();
        List<Authorization> authzs = new ArrayList<>();
        for (int i = 0; i < identifiers; i++) {
            Identifier identifier = i == 1 ? new Identifier("ip", "10.20.0.1") : new Identifier("dns", "www" + i + ".example.com");
            names.add(identifier);
            String authzId = Order.authorizationId(orderId, i);
            authzs.add(new Authorization(authzId, identifier, Status.PENDING, expires, List.of(
                    new Challenge(Order.challengeId(authzId, 0), "http-01", "token-" + i + "-a", Status.PENDING, Optional.empty(), Optional.empty(), Optional.empty()),
                    new Challenge(Order.challengeId(authzId, 1), "dns-01", "token-" + i + "-b", Status.PENDING, Optional.empty(), Optional.empty(), Optional.empty()))));
        }
        return new Order(orderId, accountId, names, authzs, Status.PENDING, expires, Optional.empty(), 0);
    }

    /** The order with its {@code index}th authorization valid through its first challenge, and the second challenge failed. */
    private static Order validated(Order order, int index) {
        List<Authorization> authzs = new ArrayList<>(order.authorizations());
        Authorization authz = authzs.get(index);
        Challenge http = authz.challenges().get(0);
        Challenge dns = authz.challenges().get(1);
        authzs.set(index, new Authorization(authz.id(), authz.identifier(), Status.VALID, authz.expires(), List.of(
                new Challenge(http.id(), http.type(), http.token(), Status.VALID, Optional.of(NOW.plusMillis(1)), Optional.of(NOW.plusSeconds(1)), Optional.empty()),
                new Challenge(dns.id(), dns.type(), dns.token(), Status.INVALID, Optional.of(NOW), Optional.empty(),
                        Optional.of(new Problem("urn:ietf:params:acme:error:incorrectResponse", "no \"TXT\" record\nthere", 403))))));
        return order.with(authzs, order.status(), order.certificate());
    }

    // ---- accounts ------------------------------------------------------------------------------

    @Test
    void anAccountIsFoundByItsIdAndByItsKeyWithEveryField() {
        Account account = account("thumb-1");
        assertThat(acme().createAccount(account)).isEqualTo(account);

        assertThat(acme().account(account.id())).contains(account);
        assertThat(acme().accountByKey("default", "thumb-1")).contains(account);
        assertThat(acme().account("nobody")).isEmpty();
        assertThat(acme().accountByKey("default", "thumb-2")).isEmpty();
        assertThat(acme().accounts("default")).isEqualTo(1);

        Account bare = new Account(id(), "default", "{}", "thumb-3", Status.VALID, List.of(), Optional.empty(), NOW, 0);
        acme().createAccount(bare);
        assertThat(acme().account(bare.id())).contains(bare);
        assertThat(acme().accounts("default")).isEqualTo(2);

        assertThat(acme().updateAccount(bare.withStatus(Status.DEACTIVATED))).isTrue();
        assertThat(acme().accounts("default")).as("valid ones only").isEqualTo(1);
    }

    @Test
    void aSecondAccountWithAKeyThatHasOneIsThatAccount() {
        Account first = acme().createAccount(account("thumb-1"));
        Account second = acme().createAccount(account("thumb-1"));

        assertThat(second).isEqualTo(first);
        assertThat(acme().accounts("default")).isEqualTo(1);
    }

    @Test
    void ofManyNodesRegisteringOneKeyAtOnceExactlyOneMakesTheAccount() throws Exception {
        List<Account> made = race(8, () -> acme().createAccount(account("thumb-race")));

        assertThat(made).extracting(Account::id).containsOnly(made.get(0).id());
        assertThat(acme().accounts("default")).isEqualTo(1);
        assertThat(acme().accountByKey("default", "thumb-race")).contains(made.get(0));
    }

    @Test
    void aKeyHoldsOneAccountPerProfileEachFoundOnlyInItsOwn() {
        Account standard = acme().createAccount(account("thumb-1"));
        Account lab = acme().createAccount(account("lab", "thumb-1"));

        assertThat(lab.id()).as("a second profile's account with the same key is an account of its own").isNotEqualTo(standard.id());
        assertThat(acme().account(lab.id())).hasValueSatisfying(stored -> assertThat(stored.profile()).isEqualTo("lab"));
        assertThat(acme().accountByKey("lab", "thumb-1")).contains(lab);
        assertThat(acme().accountByKey("default", "thumb-1")).contains(standard);
        assertThat(acme().accountByKey("servers", "thumb-1")).isEmpty();
        assertThat(acme().createAccount(account("lab", "thumb-1"))).as("still one per profile").isEqualTo(lab);
        assertThat(acme().accounts("default")).as("each profile counts its own").isEqualTo(1);
        assertThat(acme().accounts("lab")).isEqualTo(1);
        assertThat(acme().accounts("servers")).isZero();

        Account other = acme().createAccount(account("lab", "thumb-2"));
        assertThat(acme().changeKey(other, "{\"new\":1}", "thumb-1")).as("the key of an account of the same profile").isFalse();
        Account elsewhere = acme().createAccount(account("servers", "thumb-3"));
        assertThat(acme().changeKey(elsewhere, "{\"new\":1}", "thumb-1")).as("a key no account of its own profile has").isTrue();
        assertThat(acme().accountByKey("servers", "thumb-1")).hasValueSatisfying(moved -> assertThat(moved.id()).isEqualTo(elsewhere.id()));
        assertThat(acme().accountByKey("servers", "thumb-3")).isEmpty();
        assertThat(acme().accountByKey("lab", "thumb-1")).contains(lab);
    }

    @Test
    void ofManyNodesRegisteringOneKeyInTwoProfilesAtOnceEachProfileGetsExactlyOneAccount() throws Exception {
        int[] next = {0};
        List<Account> made = race(8, () -> {
            String profile;
            synchronized (next) {
                profile = next[0]++ % 2 == 0 ? "default" : "lab";
            }
            return acme().createAccount(account(profile, "thumb-race"));
        });

        assertThat(made.stream().map(Account::id).distinct()).hasSize(2);
        assertThat(acme().accounts("default")).isEqualTo(1);
        assertThat(acme().accounts("lab")).isEqualTo(1);
        assertThat(acme().accountByKey("lab", "thumb-race")).hasValueSatisfying(lab -> assertThat(lab.profile()).isEqualTo("lab"));
    }

    @Test
    void anAccountIsUpdatedOnlyFromTheVersionItIsAt() {
        Account account = acme().createAccount(account("thumb-1"));

        assertThat(acme().updateAccount(account.withStatus(Status.DEACTIVATED))).isTrue();
        assertThat(acme().updateAccount(account.withStatus(Status.VALID))).as("a copy read before the change").isFalse();
        assertThat(acme().account(account.id())).hasValueSatisfying(stored -> {
            assertThat(stored.status()).isEqualTo(Status.DEACTIVATED);
            assertThat(stored.version()).isEqualTo(1);
        });
        assertThat(acme().updateAccount(account("thumb-9"))).as("no such account").isFalse();
    }

    @Test
    void aKeyChangeMovesTheAccountToTheNewKeyUnlessAnotherAccountHasIt() {
        Account account = acme().createAccount(account("old"));
        Account other = acme().createAccount(account("taken"));

        assertThat(acme().changeKey(account, "{\"new\":1}", "taken")).as("another account's key").isFalse();
        assertThat(acme().accountByKey("default", "taken")).contains(other);
        assertThat(acme().accountByKey("default", "old")).contains(account);

        assertThat(acme().changeKey(account, "{\"new\":1}", "new")).isTrue();
        assertThat(acme().accountByKey("default", "old")).isEmpty();
        assertThat(acme().accountByKey("default", "new")).hasValueSatisfying(moved -> {
            assertThat(moved.id()).isEqualTo(account.id());
            assertThat(moved.key()).isEqualTo("{\"new\":1}");
            assertThat(moved.contact()).isEqualTo(account.contact());
        });
        assertThat(acme().changeKey(account, "{\"newer\":1}", "newer")).as("a copy with the old key").isFalse();
        assertThat(acme().accountByKey("default", "newer")).isEmpty();
        // The old key is free again: a new account may have it.
        assertThat(acme().createAccount(account("old")).id()).isNotEqualTo(account.id());
    }

    @Test
    void ofTwoAccountsChangingToOneKeyAtOnceOnlyOneGetsIt() throws Exception {
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            accounts.add(acme().createAccount(account("key-" + i)));
        }
        int[] next = {0};
        List<Boolean> changed = race(accounts.size(), () -> {
            Account account;
            synchronized (next) {
                account = accounts.get(next[0]++);
            }
            return acme().changeKey(account, "{\"shared\":1}", "shared");
        });

        assertThat(changed).filteredOn(Boolean::booleanValue).hasSize(1);
        String holder = acme().accountByKey("default", "shared").orElseThrow().id();
        for (Account account : accounts) {
            Account stored = acme().account(account.id()).orElseThrow();
            assertThat(stored.thumbprint()).isEqualTo(account.id().equals(holder) ? "shared" : account.thumbprint());
            assertThat(acme().accountByKey("default", stored.thumbprint())).contains(stored);
        }
    }

    // ---- orders --------------------------------------------------------------------------------

    @Test
    void anOrderKeepsItsAuthorizationsChallengesAndCertificate() {
        Account account = acme().createAccount(account("thumb-1"));
        Order order = order(account.id(), 3, NOW.plusSeconds(7 * 86_400));
        acme().createOrder(order);

        assertThat(acme().order(account.id(), order.id())).contains(order);
        assertThat(acme().order("another-account", order.id())).as("another account's").isEmpty();
        assertThat(acme().orderIds(account.id())).containsExactly(order.id());

        Order changed = validated(order, 1).with(validated(order, 1).authorizations(), Status.VALID,
                Optional.of("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"));
        assertThat(acme().updateOrder(changed)).isTrue();
        Order stored = acme().order(account.id(), order.id()).orElseThrow();
        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored).isEqualTo(new Order(changed.id(), changed.accountId(), changed.identifiers(), changed.authorizations(),
                changed.status(), changed.expires(), changed.certificate(), 1));

        assertThat(acme().updateOrder(stored.processing(NOW))).isTrue();
        assertThat(acme().order(account.id(), order.id()).orElseThrow().processingSince()).as("a finalize's claim, for its takeover").contains(NOW);
    }

    @Test
    void anAuthorizationOrChallengeIdNamesItsOrder() {
        String authz = Order.authorizationId("ab-c_D", 3);
        String challenge = Order.challengeId(authz, 1);

        assertThat(Order.orderOf(authz, 1)).contains("ab-c_D");
        assertThat(Order.orderOf(challenge, 2)).contains("ab-c_D");
        assertThat(Order.orderOf(challenge, 1)).contains(authz);
        assertThat(Order.orderOf("plain", 1)).isEmpty();
        assertThat(Order.orderOf("x-", 1)).isEmpty();
        assertThat(Order.orderOf("x-1a", 1)).isEmpty();
    }

    @Test
    void ofNodesUpdatingOneOrderFromTheSameVersionExactlyOneWins() throws Exception {
        Account account = acme().createAccount(account("thumb-1"));
        Order order = order(account.id(), 8, NOW.plusSeconds(3600));
        acme().createOrder(order);
        int[] next = {0};

        List<Boolean> won = race(8, () -> {
            int index;
            synchronized (next) {
                index = next[0]++;
            }
            return acme().updateOrder(validated(order, index));
        });

        assertThat(won).filteredOn(Boolean::booleanValue).hasSize(1);
        assertThat(acme().order(account.id(), order.id()).orElseThrow().authorizations())
                .filteredOn(authz -> authz.status() == Status.VALID).hasSize(1);
    }

    @Test
    void concurrentValidationsThatReadAgainOnConflictAreAllKept() throws Exception {
        Account account = acme().createAccount(account("thumb-1"));
        Order order = order(account.id(), 6, NOW.plusSeconds(3600));
        acme().createOrder(order);
        int[] next = {0};

        race(6, () -> {
            int index;
            synchronized (next) {
                index = next[0]++;
            }
            // What the ACME service does: read, change, compare-and-set, and again on the order as it now is.
            for (int attempt = 0; attempt < 100; attempt++) {
                Order current = acme().order(account.id(), order.id()).orElseThrow();
                if (acme().updateOrder(validated(current, index))) {
                    return true;
                }
            }
            return false;
        });

        Order stored = acme().order(account.id(), order.id()).orElseThrow();
        assertThat(stored.authorizations()).extracting(Authorization::status).containsOnly(Status.VALID);
        assertThat(stored.version()).isEqualTo(6);
    }

    @Test
    void expiredOrdersAreForgottenAndWhoOrderedTheirCertificatesIsNot() {
        Account account = acme().createAccount(account("thumb-1"));
        Account other = acme().createAccount(account("thumb-2"));
        Order expired = order(account.id(), 1, NOW.minusSeconds(1));
        Order live = order(account.id(), 1, NOW.plusSeconds(1));
        Order othersExpired = order(other.id(), 1, NOW.minusSeconds(1));
        acme().createOrder(expired);
        acme().createOrder(live);
        acme().createOrder(othersExpired);
        acme().recordOrderedBy(new BigInteger("0a1b2c3d4e5f", 16), account.id());

        assertThat(acme().forgetExpiredOrders(account.id(), NOW)).isEqualTo(1);

        assertThat(acme().order(account.id(), expired.id())).isEmpty();
        assertThat(acme().orderIds(account.id())).containsExactly(live.id());
        assertThat(acme().order(other.id(), othersExpired.id())).as("another account's, forgotten when it next orders").isPresent();
        assertThat(acme().orderedBy(new BigInteger("0a1b2c3d4e5f", 16))).contains(account.id());
        assertThat(acme().orderedBy(BigInteger.TEN)).isEmpty();
    }

    // ---- nonces --------------------------------------------------------------------------------

    @Test
    void aNonceIsUsedOnce() {
        assertThat(acme().useNonce("hash-1", NOW.plusSeconds(600))).isTrue();
        assertThat(acme().useNonce("hash-1", NOW.plusSeconds(600))).as("replayed").isFalse();
        assertThat(acme().useNonce("hash-2", NOW.plusSeconds(600))).isTrue();
    }

    @Test
    void usedNoncesAreForgottenOnceExpiredABoundedBatchAtATime() {
        Instant longAgo = NOW.minusSeconds(3600);
        for (int i = 0; i < 5; i++) {
            acme().useNonce("old-" + i, longAgo.plusSeconds(i));
        }
        acme().useNonce("fresh", NOW.plusSeconds(600));

        assertThat(acme().forgetUsedNonces(NOW, 3)).isEqualTo(3);
        assertThat(acme().forgetUsedNonces(NOW, 3)).isEqualTo(2);
        assertThat(acme().forgetUsedNonces(NOW, 3)).isZero();

        assertThat(acme().useNonce("old-4", longAgo.plusSeconds(4))).as("forgotten").isTrue();
        assertThat(acme().useNonce("fresh", NOW.plusSeconds(600))).as("kept while unexpired").isFalse();
    }

    @Test
    void ofManyNodesUsingOneNonceAtOnceExactlyOneAcceptsIt() throws Exception {
        List<Boolean> accepted = race(8, () -> acme().useNonce("contested", NOW.plusSeconds(600)));

        assertThat(accepted).filteredOn(Boolean::booleanValue).hasSize(1);
    }

    @Test
    void twoNodesAskingForTheNonceKeyAtOnceGetTheSameOne() throws Exception {
        Storage other = openStorage();
        try {
            List<byte[]> keys = race(8, new Callable<>() {
                private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

                @Override
                public byte[] call() {
                    int node = next.getAndIncrement();
                    byte[] candidate = new byte[32];
                    java.util.Arrays.fill(candidate, (byte) node);
                    return (node % 2 == 0 ? acme() : other.acmeStore()).nonceKey(candidate);
                }
            });

            assertThat(keys).allSatisfy(key -> assertThat(key).hasSize(32).isEqualTo(keys.get(0)));
            assertThat(acme().nonceKey(new byte[32])).as("kept, not replaced by a later candidate").isEqualTo(keys.get(0));
        } finally {
            other.close();
        }
    }

    @Test
    void everythingIsThereAfterReopening() {
        Account account = acme().createAccount(account("thumb-1"));
        Order order = order(account.id(), 2, NOW.plusSeconds(3600));
        acme().createOrder(order);
        acme().useNonce("kept", NOW.plusSeconds(600));
        byte[] key = acme().nonceKey(new byte[] {1, 2, 3});
        storage.close();
        storage = openStorage();

        assertThat(acme().accountByKey("default", "thumb-1")).contains(account);
        assertThat(acme().order(account.id(), order.id())).contains(order);
        assertThat(acme().useNonce("kept", NOW.plusSeconds(600))).as("still used").isFalse();
        assertThat(acme().nonceKey(new byte[] {4, 5, 6})).isEqualTo(key);
    }

    /** Runs the task on that many threads at once and returns what each returned. */
    private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
