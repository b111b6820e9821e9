package dev.scepter.bench;

import java.util.Arrays;

/**
 * The Java half of {@code bin/scepter-bench}: fixtures built before a clock starts, and the SCEP
 * load generator. The script does the rest (servers, peers, wrk, the table). And a bare Tomcat
 * ({@link TomcatFloor}) for measuring by hand.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "ocsp-fixture" -> OcspFixture.run(Options.parse(rest));
            case "million" -> MillionFixture.run(Options.parse(rest));
            case "scep-load" -> ScepLoad.run(Options.parse(rest));
            case "tomcat-floor" -> TomcatFloor.run(Options.parse(rest));
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: scepter-bench.jar ocsp-fixture|million|scep-load|tomcat-floor --option value ..."
                + " (see bin/scepter-bench; tomcat-floor: docs/performance.md)");
        System.exit(2);
    }
}
