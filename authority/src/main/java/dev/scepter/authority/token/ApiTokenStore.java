package dev.scepter.authority.token;

import java.util.List;
import java.util.Optional;

/** Where API tokens are kept, hashed. */
public interface ApiTokenStore {

    /** @throws IllegalStateException when a token of that name exists */
    void create(ApiToken token);

    List<ApiToken> list();

    /** @return whether a token of that name existed */
    boolean revoke(String name);

    Optional<ApiToken> findByValueHash(byte[] valueHash);
}
