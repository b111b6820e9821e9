package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.azure.signin.SignIn;
import dev.scepter.settings.DirectorySettings;
import dev.scepter.settings.DirectoryType;
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
        return settings(values).directory();
    }

    private static ScepterSettings settings(Map<String, String> values) throws Exception {
        return ScepterSettings.bind(RawSettings.of(values));
    }

    @Test
    void theEmbeddedDirectoryIsTheStoresAndNothingIsOpenedForIt() throws Exception {
        DirectorySettings embedded = directory(Map.of());
        assertThat(DirectoryFactory.openExternal(settings(Map.of()), SignIn.notConfigured())).isEmpty();
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
                .hasMessage("AppConfig:Directory:Type is Ldap but no such directory was opened");
    }

    @Test
    void unusableLdapSettingsStopTheOpeningNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> DirectoryFactory.openExternal(settings(Map.of("AppConfig:Directory:Type", "Ldap")), SignIn.notConfigured()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AppConfig:LDAP:Urls");
        assertThatThrownBy(() -> DirectoryFactory.openExternal(settings(Map.of("AppConfig:Directory:Type", "Ldap",
                "AppConfig__LDAP__Urls", "ldap://127.0.0.1:1", "AppConfig:LDAP:PoolSize", "many")), SignIn.notConfigured()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AppConfig:LDAP:BaseDn");
    }

    @Test
    void graphIsOpenedFromTheCloudAndIntuneSettingsWithoutCallingItAndDescribesItsMode() throws Exception {
        ScepterSettings graph = settings(Map.of("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", "1700000000",
                "AppConfig:AzureCloudConfig:MSGraphEndpoint", "https://graph.microsoft.us",
                "AppConfig:IntuneValidation:DeviceDirectory", "AADAndIntune"));
        Optional<Directory> opened = DirectoryFactory.openExternal(graph, SignIn.notConfigured());
        assertThat(opened).get().extracting(Directory::describe)
                .isEqualTo("Microsoft Graph https://graph.microsoft.us (DeviceDirectory AADAndIntune)");
        DirectorySelection selection = DirectoryFactory.select(graph.directory(), () -> standIn(EmbeddedDirectory.class), opened);
        assertThat(selection.directory()).isSameAs(opened.get());
        assertThat(selection.embedded()).isEmpty();
    }

    /** An embedded directory that only says whether it keeps anything. */
    private static EmbeddedDirectory keeping(boolean anything, AtomicInteger asked) {
        return EmbeddedDirectory.class.cast(Proxy.newProxyInstance(EmbeddedDirectory.class.getClassLoader(),
                new Class<?>[] {EmbeddedDirectory.class}, (proxy, method, args) -> {
                    if (method.getName().equals("isEmpty")) {
                        asked.incrementAndGet();
                        return !anything;
                    }
                    throw new UnsupportedOperationException(method.getName());
                }));
    }

    @Test
    void graphOnlyByDefaultIsRefusedWhileTheEmbeddedDirectoryKeepsObjects() throws Exception {
        DirectorySettings byDefault = directory(Map.of("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", "1700000000"));
        assertThat(byDefault.type()).isEqualTo(DirectoryType.GRAPH);
        AtomicInteger asked = new AtomicInteger();
        assertThatThrownBy(() -> DirectoryFactory.refuseUnchosenSwitchToGraph(byDefault, () -> keeping(true, asked)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Set AppConfig:Directory:Type explicitly: Embedded to keep the embedded directory, or Graph");
        assertThat(asked).hasValue(1);
        DirectoryFactory.refuseUnchosenSwitchToGraph(byDefault, () -> keeping(false, asked));
        assertThat(asked).as("an empty embedded directory: a SCEPman configuration starts as it is").hasValue(2);
    }

    @Test
    void anExplicitDirectoryTypeIsTheAdminsChoiceAndTheStoreIsNotAsked() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        for (String type : new String[] {"Graph", "Embedded"}) {
            DirectorySettings chosen = directory(Map.of("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", "1700000000",
                    "AppConfig:Directory:Type", type));
            DirectoryFactory.refuseUnchosenSwitchToGraph(chosen, () -> keeping(true, asked));
        }
        DirectoryFactory.refuseUnchosenSwitchToGraph(directory(Map.of()), () -> keeping(true, asked));
        assertThat(asked).hasValue(0);
    }
}
