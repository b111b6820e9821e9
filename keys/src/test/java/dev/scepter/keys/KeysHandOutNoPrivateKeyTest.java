package dev.scepter.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keys hand out signers and decrypters, never private keys (STYLE.md): no public method of a
 * public type of this module returns a key, a key pair or a key store, so that an HSM or Key
 * Vault, whose keys cannot be extracted, fit behind the same types.
 */
class KeysHandOutNoPrivateKeyTest {

    @Test
    void noPublicMethodReturnsKeyMaterial() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.scepter.keys");
        assertThat(classes).isNotEmpty();
        List<String> leaks = new ArrayList<>();
        for (JavaClass type : classes) {
            if (!type.getModifiers().contains(JavaModifier.PUBLIC)) {
                continue;
            }
            for (JavaMethod method : type.getMethods()) {
                if (method.getModifiers().contains(JavaModifier.PUBLIC) && handsOutKeyMaterial(method)) {
                    leaks.add(method.getFullName());
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static boolean handsOutKeyMaterial(JavaMethod method) {
        JavaClass returned = method.getRawReturnType();
        return returned.isAssignableTo(Key.class) || returned.isAssignableTo(KeyPair.class) || returned.isAssignableTo(KeyStore.class)
                || method.getReturnType().getAllInvolvedRawTypes().stream()
                        .anyMatch(t -> t.isAssignableTo(Key.class) || t.isAssignableTo(KeyPair.class) || t.isAssignableTo(KeyStore.class));
    }
}
