package dev.scepter.keys;

import dev.scepter.settings.RawSettings;
import dev.scepter.settings.Setting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the CA key's PKCS#11 token is ({@code AppConfig:KeyVaultConfig:Pkcs11:*}); the token is
 * used through the JDK's SunPKCS11 provider. Setting the library chooses this custody.
 *
 * @param library  the token vendor's PKCS#11 module ({@code /usr/lib/softhsm/libsofthsm2.so})
 * @param slot     the slot id ({@code softhsm2-util --show-slots}, {@code pkcs11-tool -L}); empty:
 *                 the module's first slot
 * @param keyLabel the CKA_LABEL of the CA's key and certificate; the SCEP RA of a CA whose key is
 *                 not RSA is labelled {@code <keyLabel>-scep-ra}
 * @param pin      the user PIN, from {@code PinFile} or {@code Pin}; never shown
 */
public record Pkcs11Settings(Path library, OptionalLong slot, String keyLabel, char[] pin) {

    public Pkcs11Settings {
        Objects.requireNonNull(library, "library");
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(keyLabel, "keyLabel");
        Objects.requireNonNull(pin, "pin");
    }

    /** The label of the SCEP RA's key and certificate, beside a CA whose key is not RSA. */
    public String raLabel() {
        return keyLabel + "-scep-ra";
    }

    /**
     * Binds the settings; empty when {@code Pkcs11:Library} is not set (the CA key is not in a
     * token). Each wrong value is an {@link IllegalStateException} naming its setting.
     */
    public static Optional<Pkcs11Settings> bind(RawSettings raw) {
        Optional<String> library = given(raw, Setting.PKCS11_LIBRARY);
        if (library.isEmpty()) {
            return Optional.empty();
        }
        Path libraryPath = Path.of(library.get());
        if (!Files.isRegularFile(libraryPath)) {
            throw new IllegalStateException(Setting.PKCS11_LIBRARY.key() + " names " + libraryPath
                    + ", which is not a file: give the path of the token's PKCS#11 module.");
        }
        OptionalLong slot = OptionalLong.empty();
        Optional<String> slotText = given(raw, Setting.PKCS11_SLOT);
        if (slotText.isPresent()) {
            try {
                slot = OptionalLong.of(Long.parseLong(slotText.get()));
            } catch (NumberFormatException e) {
                throw new IllegalStateException(Setting.PKCS11_SLOT.key() + " must be the token's slot id, a whole number, not '"
                        + slotText.get() + "'.");
            }
            if (slot.getAsLong() < 0) {
                throw new IllegalStateException(Setting.PKCS11_SLOT.key() + " must not be negative.");
            }
        }
        String keyLabel = given(raw, Setting.PKCS11_KEY_LABEL).or(Setting.PKCS11_KEY_LABEL::defaultValue).orElseThrow();
        return Optional.of(new Pkcs11Settings(libraryPath, slot, keyLabel, pin(raw)));
    }

    private static char[] pin(RawSettings raw) {
        Optional<String> pinFile = given(raw, Setting.PKCS11_PIN_FILE);
        Optional<String> pin = given(raw, Setting.PKCS11_PIN);
        if (pinFile.isPresent() && pin.isPresent()) {
            throw new IllegalStateException("Set either " + Setting.PKCS11_PIN_FILE.key() + " or " + Setting.PKCS11_PIN.key()
                    + ", not both.");
        }
        if (pin.isPresent()) {
            return pin.get().toCharArray();
        }
        if (pinFile.isEmpty()) {
            throw new IllegalStateException(Setting.PKCS11_LIBRARY.key() + " puts the CA key in a PKCS#11 token, which needs its PIN: set "
                    + Setting.PKCS11_PIN_FILE.key() + " (a file readable by Scepter only) or " + Setting.PKCS11_PIN.key()
                    + " (as the environment variable AppConfig__KeyVaultConfig__Pkcs11__Pin).");
        }
        try {
            String text = Files.readString(Path.of(pinFile.get()), StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new IllegalStateException(Setting.PKCS11_PIN_FILE.key() + " names " + pinFile.get() + ", which is empty.");
            }
            return text.toCharArray();
        } catch (IOException e) {
            throw new IllegalStateException(Setting.PKCS11_PIN_FILE.key() + " names " + pinFile.get() + ", which cannot be read: "
                    + e.getClass().getSimpleName());
        }
    }

    private static Optional<String> given(RawSettings raw, Setting setting) {
        return raw.value(setting.key()).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** Where the token is, without the PIN. */
    public String describe() {
        return "slot " + (slot.isPresent() ? slot.getAsLong() : "(first)") + " of " + library.getFileName();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Pkcs11Settings that && library.equals(that.library) && slot.equals(that.slot)
                && keyLabel.equals(that.keyLabel) && java.util.Arrays.equals(pin, that.pin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(library, slot, keyLabel);
    }

    @Override
    public String toString() {
        return "Pkcs11Settings[library=" + library + ", slot=" + slot + ", keyLabel=" + keyLabel + ", pin=(hidden)]";
    }
}
