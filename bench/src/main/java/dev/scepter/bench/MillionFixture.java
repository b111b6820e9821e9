package dev.scepter.bench;

import dev.scepter.store.jdbc.JdbcStorage;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A million (or {@code --count}) issued certificates in a PostgreSQL database, in about a minute,
 * for measuring Scepter's start and OCSP at that size (issue 15 item 4; docs/performance.md).
 *
 * <p>Enrolling them would take hours of RSA signing, and signing one certificate a row minutes;
 * neither is what is measured. The rows are made by PostgreSQL itself, {@code --batch} at a time
 * ({@code insert ... select ... from generate_series}, nothing crosses the connection but the
 * statement): each a static-endpoint certificate (serial type byte {@code 50}, bound to nothing,
 * so OCSP answers "good" from the issued-serial index with no directory read), with a random
 * 20-byte serial. Its DER is one template certificate (signed once by a throwaway key) with the
 * row's serial written over the template's: it parses, and its serial is the row's, but its
 * signature does not verify and its subject is the template's. Nothing that reads the store
 * checks either: OCSP reads no DER, the search and the API hand the bytes out as they are.
 *
 * <p>The schema is made (Flyway) by opening the database as Scepter does. Afterwards
 * {@code --sample} of the rows, picked at random, get OCSP requests in {@code --out}
 * ({@code get.txt}, {@code post.txt}, as {@code ocsp-fixture} writes them).
 */
final class MillionFixture {

    private MillionFixture() {
    }

    static void run(Options options) throws Exception {
        String url = options.get("jdbc-url");
        String user = options.get("user", null);
        String password = options.values().containsKey("password-file") ? Files.readString(Path.of(options.get("password-file"))).strip() : null;
        int count = options.getInt("count", 1_000_000);
        int batch = options.getInt("batch", 100_000);
        int sample = options.getInt("sample", 10_000);
        X509CertificateHolder ca = new X509CertificateHolder(OcspFixture.caCertificate(options).getEncoded());
        String issuer = BCStyle.INSTANCE.toString(ca.getSubject());

        try (JdbcStorage schema = JdbcStorage.connect(url, user, password)) {
            // Only for the migration: the rows go through one plain connection below.
        }
        Instant notBefore = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = notBefore.plus(Duration.ofDays(365));
        byte[] templateSerial = new byte[20];
        Arrays.fill(templateSerial, (byte) 0xA5);
        templateSerial[0] = 0x50;
        byte[] template = template(ca, new BigInteger(1, templateSerial), notBefore, notAfter);
        int at = indexOf(template, templateSerial);

        String insert = "insert into issued_certificate (issuer, serial_number, subject, subject_alt_names, not_before, not_after,"
                + " endpoint, requester, der)"
                + " select ?, s.serial, 'CN=bench-' || (? + s.g), '', ?, ?, 'static', 'challenge',"
                + " overlay(?::bytea placing decode(s.serial, 'hex') from ? for 20)"
                + " from (select g, '50' || upper(substr(md5(random()::text) || md5(random()::text), 1, 38)) as serial"
                + " from generate_series(1, ?) g) s"
                + " on conflict do nothing";
        long started = System.nanoTime();
        long made = 0;
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement statement = connection.prepareStatement(insert)) {
            for (int done = 0; done < count; done += batch) {
                int rows = Math.min(batch, count - done);
                statement.setString(1, issuer);
                statement.setLong(2, done);
                statement.setTimestamp(3, Timestamp.from(notBefore));
                statement.setTimestamp(4, Timestamp.from(notAfter));
                statement.setBytes(5, template);
                statement.setInt(6, at + 1);
                statement.setInt(7, rows);
                made += statement.executeUpdate();
                System.out.printf("million: %,d of %,d rows, %.1f s%n", done + rows, count, (System.nanoTime() - started) / 1e9);
            }
            try (Statement analyze = connection.createStatement()) {
                analyze.execute("analyze issued_certificate");
            }
            List<BigInteger> serials = new ArrayList<>(sample);
            try (PreparedStatement pick = connection.prepareStatement(
                    "select serial_number from issued_certificate where issuer = ? and endpoint = 'static' order by random() limit ?")) {
                pick.setString(1, issuer);
                pick.setInt(2, sample);
                try (ResultSet picked = pick.executeQuery()) {
                    while (picked.next()) {
                        serials.add(new BigInteger(picked.getString(1), 16));
                    }
                }
            }
            if (options.values().containsKey("out")) {
                Path out = Files.createDirectories(Path.of(options.get("out")));
                OcspFixture.writeRequests(ca, serials, out);
                Files.writeString(out.resolve("serials.txt"), String.join("\n", serials.stream().map(s -> s.toString(16).toUpperCase()).toList()) + "\n");
            }
        }
        System.out.printf("million: %,d certificates of %s recorded in %.1f s (%,d random serials collided and were skipped)%n",
                made, issuer, (System.nanoTime() - started) / 1e9, count - made);
    }

    private static byte[] template(X509CertificateHolder ca, BigInteger serial, Instant notBefore, Instant notAfter) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair benchKey = generator.generateKeyPair();
        return new JcaX509v3CertificateBuilder(ca.getSubject(), serial, Date.from(notBefore), Date.from(notAfter), new X500Name("CN=bench"),
                benchKey.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(benchKey.getPrivate())).getEncoded();
    }

    /** Where the serial's 20 bytes are in the DER (an INTEGER of 20 bytes: its first is below 0x80, so no leading zero). */
    private static int indexOf(byte[] der, byte[] serial) {
        for (int i = 2; i + serial.length <= der.length; i++) {
            if (der[i - 2] == 0x02 && der[i - 1] == serial.length
                    && Arrays.equals(der, i, i + serial.length, serial, 0, serial.length)) {
                return i;
            }
        }
        throw new IllegalStateException("the template's serial is not in its DER");
    }
}
