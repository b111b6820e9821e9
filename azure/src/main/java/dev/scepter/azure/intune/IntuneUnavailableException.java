package dev.scepter.azure.intune;

/**
 * Intune gave no usable answer: its service could not be found or reached, a token could not be
 * had, or it answered with an HTTP error or a body that is not its protocol. The message says
 * which call and why, and names the missing permission where that is the likely cause; it never
 * holds a token.
 */
public class IntuneUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IntuneUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
