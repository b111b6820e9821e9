package dev.scepter.installer.azure;

import dev.scepter.installer.InstallationException;
import java.io.Console;

/**
 * Asks the person running the installer for a missing answer. Without a terminal nobody can
 * answer, so a missing answer is an error that names the option that gives it.
 */
public interface Prompter {

    /**
     * @param question what to ask
     * @param suggestion accepted when the answer is empty; may be null
     * @param option the command-line option that answers the question without asking
     */
    String ask(String question, String suggestion, String option) throws InstallationException;

    /** Asks on the process's terminal, or fails naming the option when there is none. */
    static Prompter console() {
        Console console = System.console();
        if (console == null) {
            return none();
        }
        return (question, suggestion, option) -> {
            String prompt = suggestion == null ? question + ": " : question + " [" + suggestion + "]: ";
            String answer = console.readLine("%s", prompt);
            if (answer == null) {
                throw new InstallationException("No answer to \"" + question + "\": pass " + option + ".");
            }
            answer = answer.strip();
            if (answer.isEmpty() && suggestion != null) {
                return suggestion;
            }
            if (answer.isEmpty()) {
                throw new InstallationException("No answer to \"" + question + "\": pass " + option + ".");
            }
            return answer;
        };
    }

    /** No terminal: every question is an error naming its option. */
    static Prompter none() {
        return (question, suggestion, option) -> {
            throw new InstallationException("Missing " + option + " (" + question.toLowerCase(java.util.Locale.ROOT)
                    + "): there is no terminal to ask on, so pass " + option + (suggestion == null ? "" : " (for example " + option + " " + suggestion + ")") + ".");
        };
    }
}
