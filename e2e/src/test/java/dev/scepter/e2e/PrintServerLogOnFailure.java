package dev.scepter.e2e;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the log of every server a test class started when one of its tests fails, so that CI
 * output shows what the server said alongside what the client said. (A server that fails to start
 * puts its log in the exception instead.)
 */
public final class PrintServerLogOnFailure implements BeforeAllCallback, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PrintServerLogOnFailure.class);
    private static final String FIRST_SERVER = "first-server-of-class";

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(FIRST_SERVER, ScepterProcess.startedCount());
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Integer first = context.getStore(NAMESPACE).get(FIRST_SERVER, Integer.class);
        List<ScepterProcess> servers = ScepterProcess.startedSince(first == null ? 0 : first);
        System.out.println("Test failed: " + context.getDisplayName() + " (" + context.getRequiredTestClass().getSimpleName()
                + "); logs of the " + servers.size() + " server(s) it used follow.");
        for (ScepterProcess server : servers) {
            System.out.println(server.logBlock());
        }
    }
}
