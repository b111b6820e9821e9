package dev.scepter.azure.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A certificate file that cannot sign in stops start-up, naming its setting, before any call is made. */
class SignInSettingsTest extends SimulatedCloud {

    private static final String FILE = "AppConfig:AuthConfig:SignInCertificateFile (from test)";

    private Throwable opening(Path file, String... more) throws Exception {
        String[] pairs = new String[4 + more.length];
        pairs[0] = "AppConfig:AuthConfig:SignInApplicationId";
        pairs[1] = APP;
        pairs[2] = "AppConfig:AuthConfig:SignInCertificateFile";
        pairs[3] = file.toString();
        System.arraycopy(more, 0, pairs, 4, more.length);
        var settings = settings(pairs);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> open(settings));
        assertThat(login.requests()).as("nothing asked").isEmpty();
        return thrown;
    }

    @Test
    void aFileThatCannotBeReadIsNamed() throws Exception {
        assertThat(opening(dir.resolve("missing.pem"))).isInstanceOf(SignInException.class)
                .hasMessageStartingWith(FILE + ": cannot read " + dir.resolve("missing.pem"));
    }

    @Test
    void aPemWithoutItsPrivateKeyIsNamed() throws Exception {
        Path pem = TestCertificates.rsa().writePem(dir.resolve("cert-only.pem"), false);
        assertThat(opening(pem)).isInstanceOf(SignInException.class).hasMessageStartingWith(FILE).hasMessageContaining("no private key");
    }

    @Test
    void aKeyOfAnotherCertificateIsNamed() throws Exception {
        Path pem = TestCertificates.rsa().writePem(dir.resolve("mixed.pem"), false);
        Path key = TestCertificates.rsa().writePem(dir.resolve("other.pem"), true);
        String other = Files.readString(key);
        Files.writeString(pem, Files.readString(pem) + other.substring(other.indexOf("-----BEGIN PRIVATE KEY-----")));
        assertThat(opening(pem)).isInstanceOf(SignInException.class).hasMessageStartingWith(FILE)
                .hasMessageContaining("does not belong to its certificate");
    }

    @Test
    void anEcCertificateIsRefusedSinceEntraIdTakesRsaOnly() throws Exception {
        Path pem = TestCertificates.ec().writePem(dir.resolve("ec.pem"), true);
        assertThat(opening(pem)).isInstanceOf(SignInException.class).hasMessageStartingWith(FILE).hasMessageContaining("RSA");
    }

    @Test
    void aPkcs12FileThePasswordDoesNotOpenIsNamedWithoutThePassword() throws Exception {
        Path p12 = TestCertificates.rsa().writePkcs12(dir.resolve("signin.p12"), "right-password");
        assertThat(opening(p12, "AppConfig:AuthConfig:SignInCertificatePassword", "wrong-password")).isInstanceOf(SignInException.class)
                .hasMessageStartingWith(FILE).hasMessageContaining("AppConfig:AuthConfig:SignInCertificatePassword")
                .hasMessageNotContaining("wrong-password").hasMessageNotContaining("right-password");
        assertThat(opening(p12)).hasMessageContaining("set AppConfig:AuthConfig:SignInCertificatePassword");
    }

    @Test
    void instanceDiscoveryOnlyForEntraIdsOwnHostsAndScopesEndInDefault() {
        assertThat(EntraIdApp.isMicrosoftHost(URI.create("https://login.microsoftonline.com"))).isTrue();
        assertThat(EntraIdApp.isMicrosoftHost(URI.create("https://login.microsoftonline.us/"))).isTrue();
        assertThat(EntraIdApp.isMicrosoftHost(URI.create("https://login.chinacloudapi.cn"))).isTrue();
        assertThat(EntraIdApp.isMicrosoftHost(URI.create("https://127.0.0.1:8443"))).isFalse();
        assertThat(EntraIdApp.scope(URI.create("https://api.manage.microsoft.com/"))).isEqualTo("https://api.manage.microsoft.com/.default");
        assertThat(EntraIdApp.scope(URI.create("https://graph.microsoft.com"))).isEqualTo("https://graph.microsoft.com/.default");
    }
}
