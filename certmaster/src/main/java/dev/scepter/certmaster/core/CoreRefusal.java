package dev.scepter.certmaster.core;

/**
 * The core answered, and said no: its problem detail (RFC 9457), written for the person who
 * asked, so the portal shows it as it is.
 */
public final class CoreRefusal extends RuntimeException {

    private final int status;

    public CoreRefusal(int status, String detail) {
        super(detail);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }
}
