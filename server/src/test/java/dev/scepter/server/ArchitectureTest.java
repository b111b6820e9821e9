package dev.scepter.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.base.DescribedPredicate.or;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.OneTimeChallengeStore;
import dev.scepter.authority.store.Storage;
import dev.scepter.authority.token.ApiTokenStore;
import dev.scepter.keys.CaCertificates;
import dev.scepter.keys.KeyCustody;
import dev.scepter.keys.RootCaSpec;
import dev.scepter.keys.ScepKey;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

/**
 * The layering of ARCHITECTURE.md, checked on the main classes of every module (the server sees
 * them all): backends are adapters that know only the authority's ports, a controller reaches
 * the authority's services and never a storage port, and no package needs another that needs it
 * back. (Protocol and authority stay free of Spring by their poms' enforcer rules.) The rule is
 * on controllers, the classes that take a client's request: the homepage's read-only
 * {@code InstanceStatus} still counts certificates through the store.
 */
class ArchitectureTest {

    /** The storage ports: what a store adapter implements (their value types, such as a directory entry, are not). */
    static final List<Class<?>> STORAGE_PORTS = List.of(Storage.class, CertificateStore.class, ApiTokenStore.class,
            OneTimeChallengeStore.class, EmbeddedDirectory.class, AuditLog.class, dev.scepter.authority.store.AcmeStore.class);

    /** Each backend adapter: it implements ports of {@code authority} and knows no other adapter. */
    static final List<String> ADAPTERS = List.of("dev.scepter.store..", "dev.scepter.directory..", "dev.scepter.keys..", "dev.scepter.azure..");

    /**
     * The key custody's seam: a port that {@code keys} publishes beside its own two custodies, so
     * that a custody of another module (Azure Key Vault, in {@code azure}) is built on it without
     * knowing them. Only these types: an adapter that reached {@code Pkcs12KeyCustody} or a
     * PKCS#11 class would still break the rule. The installer's {@code KeyCustodyFactory}, which
     * sees every adapter, chooses among them.
     */
    static final List<Class<?>> KEY_CUSTODY_SEAM = List.of(KeyCustody.class, KeyCustody.Kind.class, ScepKey.class, RootCaSpec.class,
            CaCertificates.class);

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // The test-jars of protocol and authority hold test classes too.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.scepter");
        // Every module's classes, or a rule could pass for want of what it checks.
        for (String module : List.of("protocol.scep", "authority.enrollment", "keys", "settings", "store.jdbc", "directory.ldap",
                "azure.keyvault", "installer.azure", "server.api", "certmaster.web")) {
            assertThat(main.containPackage("dev.scepter." + module)).as("dev.scepter." + module + " is imported").isTrue();
        }
    }

    @Test
    void noAdapterImportsAnotherAdapter() {
        for (String adapter : ADAPTERS) {
            knowsNoOtherAdapter(adapter).check(main);
        }
    }

    @Test
    void theSeamLetsAnAdapterUseKeyCustodyButNotAnotherAdaptersClass() {
        JavaClasses fixture = new ClassFileImporter().importClasses(dev.scepter.azure.archfixture.ReachesTheFileCustody.class);

        assertThatThrownBy(() -> knowsNoOtherAdapter("dev.scepter.azure..").check(fixture)).isInstanceOf(AssertionError.class)
                .hasMessageContaining(dev.scepter.keys.Pkcs12KeyCustody.class.getName())
                .hasMessageNotContaining("<" + KeyCustody.class.getName() + ">");
    }

    static ArchRule knowsNoOtherAdapter(String adapter) {
        String[] others = ADAPTERS.stream().filter(other -> !other.equals(adapter)).toArray(String[]::new);
        return noClasses().that().resideInAPackage(adapter)
                .should().dependOnClassesThat(resideInAnyPackage(others).and(not(belongToAnyOf(KEY_CUSTODY_SEAM.toArray(Class<?>[]::new)))))
                .because("an adapter implements the authority's ports (and the key custody's seam) and needs no other backend");
    }

    @Test
    void theAuthorityAndTheProtocolsKnowNoAdapterAndNoSetting() {
        String[] outside = Stream.concat(ADAPTERS.stream(), Stream.of("dev.scepter.settings..", "dev.scepter.installer..",
                "dev.scepter.server..")).toArray(String[]::new);
        noClasses().that().resideInAnyPackage("dev.scepter.authority..", "dev.scepter.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage(outside)
                .because("the CA's rules and the protocols are the ports' side: adapters and settings plug into them")
                .check(main);
    }

    @Test
    void certificateMasterKnowsTheCoreByItsHttpApiOnly() {
        noClasses().that().resideInAPackage("dev.scepter.certmaster..")
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe("Scepter classes outside Certificate Master",
                        (JavaClass target) -> target.getPackageName().startsWith("dev.scepter.")
                                && !target.getPackageName().startsWith("dev.scepter.certmaster")))
                .because("the portal runs alone too, on another machine: it reaches the CA through the API, with its own token and roles")
                .check(main);
    }

    @Test
    void controllersReachTheAuthorityNeverAStore() {
        controllersNeverReachAStore().check(main);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.scepter.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void theControllerRuleCatchesAControllerThatHoldsAStore() {
        JavaClasses leaky = new ClassFileImporter().importClasses(LeakyController.class);
        assertThatThrownBy(() -> controllersNeverReachAStore().check(leaky)).isInstanceOf(AssertionError.class)
                .hasMessageContaining(LeakyController.class.getName()).hasMessageContaining(CertificateStore.class.getName());
    }

    /** What the rule is there to stop: a controller that reads the store itself. */
    @RestController
    static final class LeakyController {
        private final CertificateStore store;

        LeakyController(CertificateStore store) {
            this.store = store;
        }

        long count() {
            return store.count();
        }
    }

    static ArchRule controllersNeverReachAStore() {
        return noClasses().that().areAnnotatedWith(RestController.class).or().areAnnotatedWith(Controller.class)
                .or().areAssignableTo(jakarta.servlet.http.HttpServlet.class)
                .should().dependOnClassesThat(or(STORAGE_PORTS.stream().map(JavaClass.Predicates::assignableTo).toList()))
                .orShould().dependOnClassesThat().resideInAnyPackage(ADAPTERS.toArray(String[]::new))
                .because("the authority's services decide, audit and tell the caches; a controller that writes a store "
                        + "skips all three");
    }
}
