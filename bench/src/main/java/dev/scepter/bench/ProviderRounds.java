package dev.scepter.bench;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.*;
import java.security.spec.ECGenParameterSpec;
import java.util.*;
import javax.crypto.Cipher;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The private-key operations CryptoProviders chooses a provider for, timed on the fallback (the
 * JDK, BouncyCastle for P-256) and on the native provider (ACCP) in alternating rounds of 300 ms
 * each: on a machine shared with other work, a change of load then falls on both sides alike,
 * where two JMH runs minutes apart would each see a different load. Prints the medians and the
 * median of the rounds' ratios (docs/performance.md, "Which provider does what").
 *
 * <p>Usage: {@code java -cp bench/target/classes:$(cat bench/target/jmh.classpath) dev.scepter.bench.ProviderRounds [rounds]}
 * after {@code bin/scepter-jmh} built the module once; 12 rounds after 3 unrecorded ones by default.
 */
public final class ProviderRounds {
    interface Op { void run() throws Exception; }
    private ProviderRounds() {
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] a) throws Exception {
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        accp.assertHealthy();
        Provider bc = new BouncyCastleProvider();
        SecureRandom r = new SecureRandom();
        byte[] data = new byte[512]; r.nextBytes(data);
        Map<String, Op[]> ops = new LinkedHashMap<>();
        for (int bits : new int[]{2048, 4096}) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA"); g.initialize(bits); KeyPair kp = g.generateKeyPair();
            PrivateKey nat = (PrivateKey) KeyFactory.getInstance("RSA", accp).translateKey(kp.getPrivate());
            ops.put("RSA-" + bits + " sign (JDK vs ACCP)", new Op[]{ () -> sign("SHA256withRSA", null, kp.getPrivate(), data), () -> sign("SHA256withRSA", accp, nat, data)});
            Cipher enc = Cipher.getInstance("RSA/ECB/PKCS1Padding"); enc.init(Cipher.ENCRYPT_MODE, kp.getPublic()); byte[] wrapped = enc.doFinal(new byte[32]);
            ops.put("RSA-" + bits + " PKCS#1 decrypt (JDK vs ACCP)", new Op[]{ () -> dec(null, kp.getPrivate(), wrapped), () -> dec(accp, nat, wrapped)});
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", bc); g.initialize(new ECGenParameterSpec("secp256r1")); KeyPair ec = g.generateKeyPair();
        PrivateKey ecNat = (PrivateKey) KeyFactory.getInstance("EC", accp).translateKey(ec.getPrivate());
        ops.put("P-256 sign (BC vs ACCP)", new Op[]{ () -> sign("SHA256withECDSA", bc, ec.getPrivate(), data), () -> sign("SHA256withECDSA", accp, ecNat, data)});
        Map<String, List<Double>[]> rates = new LinkedHashMap<>();
        int rounds = Integer.parseInt(a.length > 0 ? a[0] : "12");
        for (int round = -3; round < rounds; round++) {
            for (var e : ops.entrySet()) {
                for (int side = 0; side < 2; side++) {
                    double rate = rate(e.getValue()[side], 300);
                    if (round >= 0) rates.computeIfAbsent(e.getKey(), k -> new List[]{new ArrayList<>(), new ArrayList<>()})[side].add(rate);
                }
            }
        }
        System.out.println("| operation | fallback ops/s (median) | ACCP ops/s (median) | ACCP ÷ fallback (median of rounds) |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (var e : rates.entrySet()) {
            List<Double> f = e.getValue()[0], n = e.getValue()[1]; List<Double> ratio = new ArrayList<>();
            for (int i = 0; i < f.size(); i++) ratio.add(n.get(i) / f.get(i));
            System.out.printf("| %s | %,.0f | %,.0f | %.2f |%n", e.getKey(), median(f), median(n), median(ratio));
        }
    }
    static double median(List<Double> v) { List<Double> s = new ArrayList<>(v); Collections.sort(s); int n = s.size(); return n % 2 == 1 ? s.get(n/2) : (s.get(n/2-1)+s.get(n/2))/2; }
    static double rate(Op op, long millis) throws Exception { long end = System.nanoTime() + millis*1_000_000L, start = System.nanoTime(); int n = 0; while (System.nanoTime() < end) { op.run(); n++; } return n / ((System.nanoTime()-start)/1e9); }
    static void sign(String alg, Provider p, PrivateKey k, byte[] d) throws Exception { Signature s = p == null ? Signature.getInstance(alg) : Signature.getInstance(alg, p); s.initSign(k); s.update(d); s.sign(); }
    static void dec(Provider p, PrivateKey k, byte[] w) throws Exception { Cipher c = p == null ? Cipher.getInstance("RSA/ECB/PKCS1Padding") : Cipher.getInstance("RSA/ECB/PKCS1Padding", p); c.init(Cipher.DECRYPT_MODE, k); c.doFinal(w); }
}
