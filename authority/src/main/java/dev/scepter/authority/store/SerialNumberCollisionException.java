package dev.scepter.authority.store;

import java.math.BigInteger;

/** A serial number was already recorded for the issuer; the caller draws a new one. */
public final class SerialNumberCollisionException extends RuntimeException {
    public SerialNumberCollisionException(BigInteger serialNumber, Throwable cause) {
        super("serial number already recorded: " + serialNumber.toString(16), cause);
    }
}
