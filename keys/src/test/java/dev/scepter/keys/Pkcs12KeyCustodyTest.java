package dev.scepter.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.protocol.scep.CmsSigner;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import dev.scepter.settings.DataFolder;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key contract on PKCS#12 files in the data folder, and what is particular to them: the RA's
 * files, their permissions, and an RA copied from another CA.
 */
class Pkcs12KeyCustodyTest extends KeyCustodyContractTest {

    @TempDir
    Path dataDir;

    @Test
    void anEcCaKeepsItsScepRaInTheDataFolder() throws Exception {
        KeyCustody custody = create(EC_CA);

        assertThatThrownBy(custody::scepKey).isInstanceOf(IllegalStateException.class)
                .hasMessage("The CA key is not RSA, so SCEP needs the RSA RA certificate in " + dataDir.resolve("ra.p12")
                        + "; run complete-installation to create it.");

        custody.createScepRa(Clock.systemUTC(), new SecureRandom());

        for (String file : new String[] {"ra.p12", "ra.p12.password"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(file)))).isEqualTo("rw-------");
        }
        assertThat(reopen().scepKey().raCertificate()).isPresent();
    }

    @Test
    void anRaOfAnotherCaIsRefusedWithWhatToDo() throws Exception {
        KeyCustody custody = create(EC_CA);
        Path other = Files.createDirectory(dataDir.resolve("other"));
        KeyCustody otherCa = Pkcs12KeyCustody.createRootCa(new DataFolder(other), EC_CA, Clock.systemUTC(), new SecureRandom());
        otherCa.createScepRa(Clock.systemUTC(), new SecureRandom());
        for (String file : new String[] {"ra.p12", "ra.p12.password"}) {
            Files.copy(other.resolve(file), dataDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }

        assertThatThrownBy(custody::scepKey).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a valid certificate of this CA (CN=EC Root,O=Example)")
                .hasMessageContaining("copy ra.p12 and ra.p12.password");
    }


    @Test
    void anUnreadableRaIsAnErrorNamingItsFile() throws Exception {
        KeyCustody custody = create(EC_CA);
        custody.createScepRa(Clock.systemUTC(), new SecureRandom());
        try (OutputStream out = Files.newOutputStream(dataDir.resolve("ra.p12.password"))) {
            out.write("not the password".getBytes(StandardCharsets.UTF_8));
        }

        assertThatThrownBy(custody::scepKey).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot open the SCEP RA in " + dataDir.resolve("ra.p12") + ": ");
    }

    @Override
    protected KeyCustody create(RootCaSpec spec) throws Exception {
        return create(spec, Clock.systemUTC());
    }

    @Override
    protected KeyCustody create(RootCaSpec spec, Clock clock) throws Exception {
        return Pkcs12KeyCustody.createRootCa(new DataFolder(dataDir), spec, clock, new SecureRandom());
    }

    @Override
    protected KeyCustody reopen() throws Exception {
        return Pkcs12KeyCustody.open(new DataFolder(dataDir));
    }

}
