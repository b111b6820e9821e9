package dev.scepter.server.launcher;

import java.io.Console;

/** Whether a person is at a terminal, who may see a new secret once; a log would keep it. */
final class Terminal {

    private Terminal() {
    }

    static boolean attached() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // From JDK 22 on, System.console() is there even when the output goes to a file or a pipe;
        // Console.isTerminal() (JDK 22) tells. Before 22, a console means a terminal.
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException before22) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
