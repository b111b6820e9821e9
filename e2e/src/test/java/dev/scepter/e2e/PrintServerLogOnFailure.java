package dev.scepter.e2e;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the log of every server a test class started when one of its tests fails, so that CI
 * output shows what the server said alongside what the client said. (A server that fails to start
 * puts its log in the exception instead.) For classes that start their servers themselves;
 * {@link ScepterServerExtension} does the same for the server it starts.
 */
public final class PrintServerLogOnFailure implements BeforeAllCallback, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PrintServerLogOnFailure.class);
    private static final String FIRST_SERVER = "first-server-of-class";
    private static final String PRINTED = "logs-printed-for:";

    @Override
    public void beforeAll(ExtensionContext context) {
        rememberFirstServer(context);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        printOnce(context, "Test failed: " + context.getDisplayName() + " (" + context.getRequiredTestClass().getSimpleName() + ")");
    }

    /** Marks where the class's servers begin; the first extension of the class to ask sets the mark. */
    static void rememberFirstServer(ExtensionContext classContext) {
        ExtensionContext.Store store = classContext.getStore(NAMESPACE);
        if (store.get(FIRST_SERVER, Integer.class) == null) {
            store.put(FIRST_SERVER, ScepterProcess.startedCount());
        }
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext at = context;
        while (at.getTestMethod().isPresent() && at.getParent().isPresent()) {
            at = at.getParent().get();
        }
        return at;
    }

    /**
     * Prints the logs of the servers started since the class's mark, once per failed test or
     * set-up, however many extensions of the class report the failure.
     */
    static void printOnce(ExtensionContext context, String failure) {
        // The class's store: a test's own is closed by the time a TestWatcher hears of its failure.
        ExtensionContext.Store store = classContext(context).getStore(NAMESPACE);
        String printed = PRINTED + context.getUniqueId();
        if (store.get(printed) != null) {
            return;
        }
        store.put(printed, Boolean.TRUE);
        Integer first = store.get(FIRST_SERVER, Integer.class);
        List<ScepterProcess> servers = ScepterProcess.startedSince(first == null ? 0 : first);
        System.out.println(failure + "; logs of the " + servers.size() + " server(s) it used follow.");
        for (ScepterProcess server : servers) {
            System.out.println(server.logBlock());
        }
    }
}
