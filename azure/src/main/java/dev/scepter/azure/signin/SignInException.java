package dev.scepter.azure.signin;

/** No token can be had now: the identity platform refused or could not be reached. The message holds no secret. */
public class SignInException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SignInException(String message, Throwable cause) {
        super(message, cause);
    }
}
