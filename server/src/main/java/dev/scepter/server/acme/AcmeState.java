package dev.scepter.server.acme;

import com.nimbusds.jose.jwk.JWK;
import dev.scepter.authority.store.AcmeStore;
import dev.scepter.authority.store.AcmeStore.Account;
import dev.scepter.authority.store.AcmeStore.Order;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * ACME's accounts, orders, authorizations and challenges, kept in the installation's store
 * ({@link AcmeStore}): every node that shares the store serves every client, and a restart loses
 * nothing. Each change of an order is a read, a decision and a compare-and-set on the version
 * read, tried again on the order as it then is when another node changed it in between; so no
 * node's change is lost. The limits are here.
 */
final class AcmeState {

    /**
     * Valid accounts each profile keeps: registration may be open, and each account is a record kept
     * until an operator deletes it, so a stranger must not be able to fill the store with them. Per
     * profile, so that filling an open profile does not lock the others out.
     */
    static final long MAX_ACCOUNTS = 10_000;
    /** Unexpired orders per account (certbot and lego make one per certificate, renewals included). */
    static final int MAX_ORDERS_PER_ACCOUNT = 20;
    /** Identifiers per order, each one an authorization. */
    static final int MAX_IDENTIFIERS = 10;
    /** Compare-and-set rounds before giving up: more means nodes keep changing one order at once, which no client does. */
    private static final int ATTEMPTS = 20;

    private final AcmeStore store;
    private final SecureRandom random;

    AcmeState(AcmeStore store, SecureRandom random) {
        this.store = store;
        this.random = random;
    }

    /** On the installation's store (the controller itself reaches no storage port). */
    static AcmeState of(dev.scepter.server.CoreContext core, SecureRandom random) {
        return new AcmeState(core.storage().acmeStore(), random);
    }

    String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ---- accounts ------------------------------------------------------------------------------

    Optional<Account> account(String id) {
        return store.account(id);
    }

    /** The profile's account with this key (a key may hold one account in each profile). */
    Optional<Account> accountByKey(String profile, String thumbprint) {
        return store.accountByKey(profile, thumbprint);
    }

    long accounts(String profile) {
        return store.accounts(profile);
    }

    /** The new account, or the one that has its key already. */
    Account create(Account account) {
        return store.createAccount(account);
    }

    /** The account's key as a JWK. */
    static JWK key(Account account) {
        try {
            return JWK.parse(account.key());
        } catch (ParseException e) {
            throw new IllegalStateException("ACME account " + account.id() + " has a key this version does not read", e);
        }
    }

    /** Deactivates the account (RFC 8555 section 7.3.6), whatever another node changed in between. */
    Account deactivate(Account account) {
        Account current = account;
        for (int i = 0; i < ATTEMPTS; i++) {
            Account changed = current.withStatus(AcmeStore.Status.DEACTIVATED);
            if (store.updateAccount(changed)) {
                return store.account(account.id()).orElse(changed);
            }
            current = store.account(account.id()).orElseThrow(() -> new AcmeProblem(AcmeError.ACCOUNT_DOES_NOT_EXIST, "No such account."));
        }
        throw busy();
    }

    /** Binds the account to an external account key (RFC 8555 section 7.3.4), whatever another node changed in between. */
    Account bind(Account account, String externalAccount) {
        Account current = account;
        for (int i = 0; i < ATTEMPTS; i++) {
            Account changed = new Account(current.id(), current.profile(), current.key(), current.thumbprint(), current.status(), current.contact(),
                    Optional.of(externalAccount), current.createdAt(), current.version());
            if (store.updateAccount(changed)) {
                return store.account(account.id()).orElse(changed);
            }
            current = store.account(account.id()).orElseThrow(() -> new AcmeProblem(AcmeError.ACCOUNT_DOES_NOT_EXIST, "No such account."));
        }
        throw busy();
    }

    /**
     * Gives the account the new key, unless another account has it already (then false and nothing
     * changes); the old key no longer finds the account.
     */
    boolean changeKey(Account account, JWK newKey, String newThumbprint) {
        if (store.changeKey(account, newKey.toPublicJWK().toJSONString(), newThumbprint)) {
            return true;
        }
        // Lost to another account taking the key, or to a change of this account's key in between.
        Account current = store.account(account.id()).orElseThrow();
        if (!current.thumbprint().equals(account.thumbprint())) {
            throw new AcmeProblem(AcmeError.MALFORMED, "The account's key changed while this request was made; sign with its current key.");
        }
        return false;
    }

    // ---- orders --------------------------------------------------------------------------------

    void create(Order order) {
        store.createOrder(order);
    }

    Optional<Order> order(String accountId, String orderId) {
        return store.order(accountId, orderId);
    }

    /** The account's order an authorization ({@code parts} 1) or a challenge ({@code parts} 2) id belongs to. */
    Optional<Order> orderOf(String accountId, String id, int parts) {
        return Order.orderOf(id, parts).flatMap(orderId -> store.order(accountId, orderId));
    }

    List<String> orderIds(String accountId) {
        return store.orderIds(accountId);
    }

    /**
     * Applies {@code change} to the order as stored now and keeps the result if nobody changed the order
     * in between; otherwise applies it again to what is stored then. A change that returns its
     * argument writes nothing; one that throws writes nothing either.
     *
     * @return the order as kept
     */
    Order update(Order order, UnaryOperator<Order> change) {
        // From the order as stored now: the caller's copy may be older than a change of its own since.
        Order current = store.order(order.accountId(), order.id())
                .orElseThrow(() -> new AcmeProblem(AcmeError.UNAUTHORIZED, "No such order for this account."));
        for (int i = 0; i < ATTEMPTS; i++) {
            Order changed = change.apply(current);
            if (changed == current) {
                return current;
            }
            if (store.updateOrder(changed)) {
                return store.order(order.accountId(), order.id()).orElse(changed);
            }
            current = store.order(order.accountId(), order.id())
                    .orElseThrow(() -> new AcmeProblem(AcmeError.UNAUTHORIZED, "No such order for this account."));
        }
        throw busy();
    }

    /**
     * {@code change}, for {@link #update}, applied only while the order still carries the finalize
     * claim made at {@code claim}; once another request took the order over it changes nothing.
     */
    static UnaryOperator<Order> whileClaimed(Instant claim, UnaryOperator<Order> change) {
        return current -> claimed(current, claim) ? change.apply(current) : current;
    }

    /** Whether the order as stored now still carries the finalize claim made at {@code claim}. */
    boolean stillClaimed(Order order, Instant claim) {
        return store.order(order.accountId(), order.id()).map(current -> claimed(current, claim)).orElse(false);
    }

    static boolean claimed(Order order, Instant claim) {
        return order.status() == AcmeStore.Status.PROCESSING && order.processingSince().equals(Optional.of(claim));
    }

    /**
     * Forgets the account's expired orders, with their authorizations, challenges and certificate
     * URLs (the certificates stay in the store; the link from serial to account stays, for revocation).
     */
    void forgetExpired(String accountId, Instant now) {
        store.forgetExpiredOrders(accountId, now);
    }

    // ---- certificates --------------------------------------------------------------------------

    void ordered(BigInteger serial, String accountId) {
        store.recordOrderedBy(serial, accountId);
    }

    /** The id of the account that ordered the certificate with this serial, or null. */
    String orderedBy(BigInteger serial) {
        return store.orderedBy(serial).orElse(null);
    }

    private static AcmeProblem busy() {
        return new AcmeProblem(AcmeError.SERVER_INTERNAL, "Other requests keep changing this resource at once; try again.");
    }
}
