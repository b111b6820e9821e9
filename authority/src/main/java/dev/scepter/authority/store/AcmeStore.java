package dev.scepter.authority.store;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * ACME's state (RFC 8555): accounts, orders with their authorizations and challenges, the
 * certificate an order produced, the account that ordered each serial, the nonce key and the nonces used. Nodes
 * sharing the store share it, and it outlives a restart, so a client may be served by any node.
 *
 * <p>Concurrency, for every adapter (the ACME store contract in this module's test-jar checks it):
 * <ul>
 * <li>An account's key is unique within its profile: {@link #createAccount} and {@link #changeKey} never give
 * one key to two accounts of one profile (a key may hold one account in each profile). Of two accounts
 * changing to one new key at once, only one gets it.
 * <li>A nonce is used at most once across all nodes: {@link #useNonce} is one unique insert, and
 * every node gets the same {@link #nonceKey}.
 * <li>An order is kept, with its authorizations and challenges, as one unit with a version:
 * {@link #updateOrder} and {@link #updateAccount} are compare-and-set on the version they were
 * read with, so a status change made by one node (a challenge validated, an order finalized) is
 * never overwritten by another node that read the order before it. The loser reads again and
 * decides again.
 * </ul>
 * An authorization's and a challenge's ids are made from their order's ({@link Order#authorizationId},
 * {@link Order#challengeId}), so that the order, the unit kept and updated at once, is found from
 * either. Limits (orders per account, identifiers per order, accounts) are the caller's; the store
 * counts.
 */
public interface AcmeStore {

    /** RFC 8555 section 7.1.6's statuses, as the wire and the store spell them. */
    enum Status {
        PENDING, READY, PROCESSING, VALID, INVALID, DEACTIVATED, REVOKED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status ofWire(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * An account (RFC 8555 section 7.1.2).
     *
     * @param profile         the ACME profile it registered on, the only one it is served by ({@code default}
     *                        for every account made before there were others)
     * @param key             the account's public key, a JWK's JSON
     * @param thumbprint      the key's JWK thumbprint (RFC 7638), unique among the profile's accounts
     * @param externalAccount the external account key id it was bound with (RFC 8555 section 7.3.4)
     * @param version         what the store had when it was read; a new account's is 0
     */
    record Account(String id, String profile, String key, String thumbprint, Status status, List<String> contact, Optional<String> externalAccount,
            Instant createdAt, long version) {
        public Account {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(thumbprint, "thumbprint");
            Objects.requireNonNull(status, "status");
            contact = List.copyOf(contact);
            Objects.requireNonNull(externalAccount, "externalAccount");
            Objects.requireNonNull(createdAt, "createdAt");
        }

        public Account withStatus(Status newStatus) {
            return new Account(id, profile, key, thumbprint, newStatus, contact, externalAccount, createdAt, version);
        }
    }

    /** An identifier (RFC 8555 section 9.7.7): its type ({@code dns}, {@code ip}) and value, as the order named it. */
    record Identifier(String type, String value) {
        public Identifier {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
        }
    }

    /** A problem document (RFC 7807) kept with a challenge that failed. */
    record Problem(String type, String detail, int status) {
        public Problem {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * A challenge (RFC 8555 section 8). The type is a string ({@code http-01}, {@code dns-01}, ...)
     * so that a new type needs no change here.
     *
     * @param attempted when a node began validating it (status {@code processing}), so that a claim
     *                  left by a node that stopped can be taken over
     */
    record Challenge(String id, String type, String token, Status status, Optional<Instant> attempted, Optional<Instant> validated,
            Optional<Problem> error) {
        public Challenge {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(attempted, "attempted");
            Objects.requireNonNull(validated, "validated");
            Objects.requireNonNull(error, "error");
        }
    }

    /** An authorization (RFC 8555 section 7.1.4): any one of its challenges, once valid, makes it valid. */
    record Authorization(String id, Identifier identifier, Status status, Instant expires, List<Challenge> challenges) {
        public Authorization {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(expires, "expires");
            challenges = List.copyOf(challenges);
        }
    }

    /**
     * An order (RFC 8555 section 7.1.3) with its authorizations and, once issued, its certificate.
     *
     * @param certificate     the PEM chain issued for it
     * @param processingSince when a node began finalizing it (status {@code processing}), so that a
     *                        finalize left by a node that stopped, or by an outage, can be taken over
     * @param version         what the store had when it was read; a new order's is 0
     */
    record Order(String id, String accountId, List<Identifier> identifiers, List<Authorization> authorizations, Status status,
            Instant expires, Optional<String> certificate, Optional<Instant> processingSince, long version) {
        public Order {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(accountId, "accountId");
            identifiers = List.copyOf(identifiers);
            authorizations = List.copyOf(authorizations);
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(expires, "expires");
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(processingSince, "processingSince");
        }

        /** A new order, or one read without a finalize under way. */
        public Order(String id, String accountId, List<Identifier> identifiers, List<Authorization> authorizations, Status status,
                Instant expires, Optional<String> certificate, long version) {
            this(id, accountId, identifiers, authorizations, status, expires, certificate, Optional.empty(), version);
        }

        /** The id of the order's {@code index}th authorization. */
        public static String authorizationId(String orderId, int index) {
            return orderId + "-" + index;
        }

        /** The id of the {@code index}th challenge of the authorization {@code authorizationId}. */
        public static String challengeId(String authorizationId, int index) {
            return authorizationId + "-" + index;
        }

        /** The order an authorization or challenge id (one part or two after the order's id) belongs to, if it is one. */
        public static Optional<String> orderOf(String authorizationOrChallengeId, int parts) {
            String id = authorizationOrChallengeId;
            for (int i = 0; i < parts; i++) {
                int dash = id.lastIndexOf('-');
                if (dash <= 0 || dash == id.length() - 1 || !id.substring(dash + 1).chars().allMatch(Character::isDigit)) {
                    return Optional.empty();
                }
                id = id.substring(0, dash);
            }
            return Optional.of(id);
        }

        public Order with(List<Authorization> newAuthorizations, Status newStatus, Optional<String> newCertificate) {
            // processingSince belongs to the processing status alone
            return new Order(id, accountId, identifiers, newAuthorizations, newStatus, expires, newCertificate,
                    newStatus == Status.PROCESSING ? processingSince : Optional.empty(), version);
        }

        /** The order marked {@code processing} since {@code since}: its finalize under way on one node. */
        public Order processing(Instant since) {
            return new Order(id, accountId, identifiers, authorizations, Status.PROCESSING, expires, Optional.empty(), Optional.of(since), version);
        }
    }

    // ---- accounts ----------------------------------------------------------------------------

    /**
     * Keeps a new account, unless an account of its profile has its key already: then that account,
     * unchanged. Of several nodes creating accounts with one key in one profile at once, exactly one creates it.
     */
    Account createAccount(Account account);

    Optional<Account> account(String id);

    /** The profile's account with this key; another profile's account with the same key is not found. */
    Optional<Account> accountByKey(String profile, String thumbprint);

    /**
     * How many valid accounts the profile has (deactivated ones are not counted); an account kept
     * before there were profiles is {@code default}'s.
     */
    long accounts(String profile);

    /**
     * Replaces the account's status and contacts, and binds it to its external account if it has
     * one (a binding, once made, stays), if the stored account is still at the version
     * {@code account} was read with; its key is {@link #changeKey}'s.
     *
     * @return whether it was replaced (false: another node changed it first, or it is gone)
     */
    boolean updateAccount(Account account);

    /**
     * Gives the account a new key, if it still has the key {@code account} was read with and no
     * account of its profile has the new one; the old key no longer finds it.
     *
     * @return whether the key changed
     */
    boolean changeKey(Account account, String newKey, String newThumbprint);

    // ---- orders ------------------------------------------------------------------------------

    /** Keeps a new order (its version 0). */
    void createOrder(Order order);

    /** The account's order with this id; another account's is not found. */
    Optional<Order> order(String accountId, String orderId);

    /** The ids of the account's orders, oldest first. */
    List<String> orderIds(String accountId);

    /**
     * Replaces the order (its authorizations, challenges, status and certificate) if the stored one
     * is still at the version {@code order} was read with; its id, account, identifiers and expiry
     * never change.
     *
     * @return whether it was replaced (false: another node changed it first, or it is gone)
     */
    boolean updateOrder(Order order);

    /**
     * Deletes the account's orders that expired before {@code now}, with their authorizations,
     * challenges and certificate URLs; the certificates stay in the certificate store, and
     * {@link #orderedBy} still knows their account.
     *
     * @return how many it deleted
     */
    int forgetExpiredOrders(String accountId, Instant now);

    // ---- certificates ------------------------------------------------------------------------

    /** Records that the account ordered the certificate with this serial (for revocation by account). */
    void recordOrderedBy(BigInteger serial, String accountId);

    /** The id of the account that ordered the certificate with this serial, if it came through ACME. */
    Optional<String> orderedBy(BigInteger serial);

    // ---- nonces ------------------------------------------------------------------------------

    /**
     * The installation's nonce key (a MAC key for stateless nonces, RFC 8555 section 6.5): the one
     * kept, or {@code candidate}, kept now, if there was none. Insert-if-absent then read, so of
     * several nodes asking at once all get the same key.
     */
    byte[] nonceKey(byte[] candidate);

    /**
     * Records a nonce as used until {@code expiresAt}, by one unique insert of {@code nonceHash}
     * (base64url, at most 64 characters): of several nodes or threads using one nonce, exactly one
     * gets {@code true}.
     *
     * @return false when it was used before (a replay)
     */
    boolean useNonce(String nonceHash, Instant expiresAt);

    /**
     * Deletes at most {@code limit} used-nonce records that expired before {@code now}, so that a
     * sweep's cost is bounded however many there are.
     *
     * @return how many it deleted
     */
    int forgetUsedNonces(Instant now, int limit);
}
