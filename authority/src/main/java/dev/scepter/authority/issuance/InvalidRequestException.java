package dev.scepter.authority.issuance;

/** The request cannot become a certificate under our rules; the requester is told why. */
public final class InvalidRequestException extends Exception {
    public InvalidRequestException(String reason) {
        super(reason);
    }
}
