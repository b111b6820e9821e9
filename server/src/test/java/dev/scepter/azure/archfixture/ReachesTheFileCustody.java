package dev.scepter.azure.archfixture;

import dev.scepter.keys.KeyCustody;
import dev.scepter.keys.Pkcs12KeyCustody;

/**
 * What ArchitectureTest's adapter rule is there to stop, in an adapter's package (test code only,
 * never imported with the main classes): an azure class that uses the seam of keys, which is
 * allowed, and reaches past it to the PKCS#12 custody, which is not.
 */
public final class ReachesTheFileCustody {

    private ReachesTheFileCustody() {
    }

    static boolean isFileCustody(KeyCustody custody) {
        return custody instanceof Pkcs12KeyCustody;
    }
}
