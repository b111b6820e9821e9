package dev.scepter.e2e;

import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server a test class needs besides Scepter (PostgreSQL, LDAP), started before the class's
 * {@code @BeforeAll} methods and closed after its {@code @AfterAll} methods. Registered with a
 * lower {@link org.junit.jupiter.api.Order @Order} than the {@link ScepterServerExtension} whose
 * settings name it, it starts before that server and is closed after it.
 *
 * <pre>{@code
 * @RegisterExtension
 * @Order(1)
 * static final ClassFixture<PostgresServer> postgres = ClassFixture.of(PostgresServer::start);
 * }</pre>
 */
public final class ClassFixture<T extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {

    /** Starts the fixture; it is up when this returns. */
    @FunctionalInterface
    public interface Starter<T> {
        T start() throws Exception;
    }

    private final Starter<T> starter;
    private String startedFor;
    private volatile T fixture;

    private ClassFixture(Starter<T> starter) {
        this.starter = Objects.requireNonNull(starter);
    }

    public static <T extends AutoCloseable> ClassFixture<T> of(Starter<T> starter) {
        return new ClassFixture<>(starter);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (startedFor != null) {
            return;
        }
        startedFor = context.getUniqueId();
        fixture = starter.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (!context.getUniqueId().equals(startedFor)) {
            return;
        }
        T started = fixture;
        fixture = null;
        startedFor = null;
        if (started != null) {
            started.close();
        }
    }

    /** The started fixture. */
    public T get() {
        T started = fixture;
        if (started == null) {
            throw new IllegalStateException("The fixture is not started: it starts before the @BeforeAll methods, and before a "
                    + "ScepterServerExtension only if registered with a lower @Order");
        }
        return started;
    }
}
