package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.settings.DirectorySettings;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code AppConfig:Directory:Type} becomes a directory in one place. */
class DirectoryFactoryTest {

    /** Stands in for a directory; these tests only ask which one is selected. */
    private static <T> T standIn(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "toString" -> type.getSimpleName();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                }));
    }

    private static DirectorySettings directory(Map<String, String> values) throws Exception {
        return ScepterSettings.bind(RawSettings.of(values)).directory();
    }

    @Test
    void theEmbeddedDirectoryIsTheStoresAndNothingIsOpenedForIt() throws Exception {
        DirectorySettings embedded = directory(Map.of());
        assertThat(DirectoryFactory.openExternal(embedded)).isEmpty();
        EmbeddedDirectory store = standIn(EmbeddedDirectory.class);
        DirectorySelection selection = DirectoryFactory.select(embedded, () -> store, Optional.empty());
        assertThat(selection.directory()).isSameAs(store);
        assertThat(selection.embedded()).containsSame(store);
    }

    @Test
    void anLdapDirectoryIsTheOneTheLauncherOpenedAndTheStoresIsNotAskedFor() throws Exception {
        DirectorySettings ldap = directory(Map.of("AppConfig:Directory:Type", "ldap"));
        Directory opened = standIn(Directory.class);
        AtomicInteger storeAsked = new AtomicInteger();
        DirectorySelection selection = DirectoryFactory.select(ldap, () -> {
            storeAsked.incrementAndGet();
            return standIn(EmbeddedDirectory.class);
        }, Optional.of(opened));
        assertThat(selection.directory()).isSameAs(opened);
        assertThat(selection.embedded()).as("only the embedded directory is managed through the API").isEmpty();
        assertThat(storeAsked).hasValue(0);
        assertThatThrownBy(() -> DirectoryFactory.select(ldap, () -> standIn(EmbeddedDirectory.class), Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("AppConfig:Directory:Type is Ldap but no LDAP directory was opened");
    }

    @Test
    void unusableLdapSettingsStopTheOpeningNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> DirectoryFactory.openExternal(directory(Map.of("AppConfig:Directory:Type", "Ldap"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AppConfig:LDAP:Urls");
        assertThatThrownBy(() -> DirectoryFactory.openExternal(directory(Map.of("AppConfig:Directory:Type", "Ldap",
                "AppConfig__LDAP__Urls", "ldap://127.0.0.1:1", "AppConfig:LDAP:PoolSize", "many"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AppConfig:LDAP:BaseDn");
    }
}
