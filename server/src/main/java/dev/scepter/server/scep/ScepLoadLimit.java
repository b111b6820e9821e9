package dev.scepter.server.scep;

import java.util.concurrent.Semaphore;

/** {@code AppConfig:ConcurrentSCEPRequestLimit}: PKIOperations in progress at once, beyond which clients get 429. */
public record ScepLoadLimit(Semaphore semaphore) {
    public static ScepLoadLimit of(int limit) {
        return new ScepLoadLimit(new Semaphore(limit));
    }
}
