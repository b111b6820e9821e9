package dev.scepter.server.acme;

import com.nimbusds.jose.jwk.JWK;
import dev.scepter.authority.acme.AcmeIdentifier;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ACME's accounts, orders, authorizations and challenges, IN MEMORY in this version: per node and
 * lost on restart (docs/acme.md says so). The certificates themselves are in the store like every
 * other; a restart loses only unfinished orders and the link from an account to its certificates
 * (revocation by the certificate's own key still works, by account key only on the same node).
 */
final class AcmeState {

    enum Status { PENDING, READY, PROCESSING, VALID, INVALID, DEACTIVATED, REVOKED;
        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final class Account {
        final String id;
        /** The account key, which a key change (RFC 8555 section 7.3.5) replaces. */
        volatile JWK key;
        volatile String thumbprint;
        volatile Status status = Status.VALID;
        volatile List<String> contact;
        final List<String> orders = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** The external account key id the account was bound with (RFC 8555 section 7.3.4), or null. */
        final String externalAccount;

        Account(String id, JWK key, String thumbprint, List<String> contact, String externalAccount) {
            this.id = id;
            this.externalAccount = externalAccount;
            this.key = key;
            this.thumbprint = thumbprint;
            this.contact = List.copyOf(contact);
        }
    }

    static final class Challenge {
        static final String HTTP_01 = "http-01";
        static final String DNS_01 = "dns-01";
        static final String TLS_ALPN_01 = "tls-alpn-01";
        final String id;
        final String type;
        final String token;
        volatile Status status = Status.PENDING;
        volatile Instant validated;
        volatile Map<String, Object> error;

        Challenge(String id, String type, String token) {
            this.id = id;
            this.type = type;
            this.token = token;
        }
    }

    static final class Authorization {
        final String id;
        final String accountId;
        final AcmeIdentifier identifier;
        final Instant expires;
        /** The challenges offered, any one of which, once valid, makes the authorization valid (RFC 8555 section 7.1.4). */
        final List<Challenge> challenges;
        volatile Status status = Status.PENDING;

        Authorization(String id, String accountId, AcmeIdentifier identifier, Instant expires, List<Challenge> challenges) {
            this.id = id;
            this.accountId = accountId;
            this.identifier = identifier;
            this.expires = expires;
            this.challenges = List.copyOf(challenges);
        }
    }

    static final class Order {
        final String id;
        final String accountId;
        final List<AcmeIdentifier> identifiers;
        final List<String> authorizations;
        final Instant expires;
        volatile Status status = Status.PENDING;
        volatile String certificateId;
        volatile Map<String, Object> error;

        Order(String id, String accountId, List<AcmeIdentifier> identifiers, List<String> authorizations, Instant expires) {
            this.id = id;
            this.accountId = accountId;
            this.identifiers = List.copyOf(identifiers);
            this.authorizations = List.copyOf(authorizations);
            this.expires = expires;
        }
    }

    /** A certificate issued through ACME: its serial, the account that ordered it, and the PEM chain. */
    record Issued(String id, String accountId, BigInteger serial, String pemChain) {
    }

    /** Accounts one node keeps: registration is open, and each costs memory until a restart. */
    static final int MAX_ACCOUNTS = 2_000;
    /** Unexpired orders per account (certbot and lego make one per certificate, renewals included). */
    static final int MAX_ORDERS_PER_ACCOUNT = 20;
    /** Identifiers per order, each one an authorization. */
    static final int MAX_IDENTIFIERS = 10;

    final Map<String, Account> accounts = new ConcurrentHashMap<>();
    final Map<String, String> accountByThumbprint = new ConcurrentHashMap<>();
    final Map<String, Order> orders = new ConcurrentHashMap<>();
    final Map<String, Authorization> authorizations = new ConcurrentHashMap<>();
    final Map<String, Authorization> authorizationByChallenge = new ConcurrentHashMap<>();
    final Map<String, Issued> certificates = new ConcurrentHashMap<>();
    /** The account that ordered each certificate, by serial: revocation by account looks it up, not through every certificate. */
    private final Map<BigInteger, String> accountBySerial = new ConcurrentHashMap<>();
    private final SecureRandom random;

    AcmeState(SecureRandom random) {
        this.random = random;
    }

    String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    void add(Issued issued) {
        certificates.put(issued.id(), issued);
        accountBySerial.put(issued.serial(), issued.accountId());
    }

    /** The id of the account that ordered the certificate with this serial on this node, or null. */
    String orderedBy(BigInteger serial) {
        return accountBySerial.get(serial);
    }

    /**
     * Forgets the account's expired orders, with their authorizations, challenges and certificate
     * URLs (the certificates stay in the store; the link from serial to account stays, for revocation).
     */
    void forgetExpired(Account account, Instant now) {
        for (String id : account.orders) {
            Order order = orders.get(id);
            if (order == null || now.isAfter(order.expires)) {
                account.orders.remove(id);
                if (order != null) {
                    orders.remove(id);
                    for (String authzId : order.authorizations) {
                        Authorization authz = authorizations.remove(authzId);
                        if (authz != null) {
                            authz.challenges.forEach(challenge -> authorizationByChallenge.remove(challenge.id));
                        }
                    }
                    if (order.certificateId != null) {
                        certificates.remove(order.certificateId);
                    }
                }
            }
        }
    }

    /**
     * Gives the account the new key, unless another account has it already (then false and nothing
     * changes); the old key no longer finds the account.
     */
    boolean changeKey(Account account, JWK newKey, String newThumbprint) {
        synchronized (account) {
            if (accountByThumbprint.putIfAbsent(newThumbprint, account.id) != null) {
                return false;
            }
            accountByThumbprint.remove(account.thumbprint, account.id);
            account.key = newKey;
            account.thumbprint = newThumbprint;
            return true;
        }
    }

    Optional<Account> accountByKey(String thumbprint) {
        return Optional.ofNullable(accountByThumbprint.get(thumbprint)).map(accounts::get);
    }

    List<Authorization> authorizationsOf(Order order) {
        List<Authorization> list = new ArrayList<>();
        order.authorizations.forEach(id -> list.add(authorizations.get(id)));
        return list;
    }
}
