package dev.scepter.installer.azure;

/** An ARM or Graph call was answered with an error; keeps the error's code for the caller's decision. */
public final class AzureCallException extends Exception {

    private final String method;
    private final String uri;
    private final int status;
    private final String code;

    AzureCallException(String method, String uri, int status, String code, String message) {
        super(method + " " + uri + " answered " + status + (code.isEmpty() ? "" : " " + code) + ": " + message);
        this.method = method;
        this.uri = uri;
        this.status = status;
        this.code = code;
    }

    public String method() {
        return method;
    }

    public String uri() {
        return uri;
    }

    public int status() {
        return status;
    }

    /** The error's {@code error.code}, or empty. */
    public String code() {
        return code;
    }

    /** The error's {@code error.message} alone. */
    public String detail() {
        String m = getMessage();
        return m.substring(m.indexOf(": ") + 2);
    }
}
