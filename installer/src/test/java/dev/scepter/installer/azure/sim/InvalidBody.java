package dev.scepter.installer.azure.sim;

/**
 * A request body field of the wrong shape. Raised by {@link Json}'s readers, which do not know
 * which API they serve; the dispatcher turns it into a 400 with that API's code.
 */
final class InvalidBody extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidBody(String message) {
        super(message, null, false, false);
    }
}
