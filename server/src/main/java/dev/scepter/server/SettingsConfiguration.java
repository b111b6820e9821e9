package dev.scepter.server;

import dev.scepter.settings.AcmeSettings;
import dev.scepter.settings.AuthSettings;
import dev.scepter.settings.CrlSettings;
import dev.scepter.settings.DbCsrSettings;
import dev.scepter.settings.DirectorySettings;
import dev.scepter.settings.IssuanceSettings;
import dev.scepter.settings.OcspSettings;
import dev.scepter.settings.ScepSettings;
import dev.scepter.settings.StoreSettings;
import dev.scepter.settings.WebSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each settings section the web tier uses, as a bean, so that a part is handed its section rather than all settings. */
@Configuration(proxyBeanMethods = false)
public class SettingsConfiguration {

    @Bean
    IssuanceSettings issuanceSettings(CoreContext core) {
        return core.settings().issuance();
    }

    @Bean
    ScepSettings scepSettings(CoreContext core) {
        return core.settings().scep();
    }

    @Bean
    DbCsrSettings dbCsrSettings(CoreContext core) {
        return core.settings().dbCsr();
    }

    @Bean
    AcmeSettings acmeSettings(CoreContext core) {
        return core.settings().acme();
    }

    @Bean
    OcspSettings ocspSettings(CoreContext core) {
        return core.settings().ocsp();
    }

    @Bean
    CrlSettings crlSettings(CoreContext core) {
        return core.settings().crl();
    }

    @Bean
    DirectorySettings directorySettings(CoreContext core) {
        return core.settings().directory();
    }

    @Bean
    StoreSettings storeSettings(CoreContext core) {
        return core.settings().store();
    }

    @Bean
    AuthSettings authSettings(CoreContext core) {
        return core.settings().auth();
    }

    @Bean
    WebSettings webSettings(CoreContext core) {
        return core.settings().web();
    }
}
