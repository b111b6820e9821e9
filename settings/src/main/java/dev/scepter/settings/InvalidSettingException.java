package dev.scepter.settings;

/** A setting that cannot be used: start-up stops, and the message names the setting. */
public final class InvalidSettingException extends Exception {
    public InvalidSettingException(String message) {
        super(message);
    }
}
