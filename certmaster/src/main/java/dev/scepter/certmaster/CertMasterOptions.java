package dev.scepter.certmaster;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the portal finds the core and its own files.
 *
 * @param coreUrl    the core's base URL, which the portal calls over HTTP (loopback when embedded)
 * @param clientFile {@code certmaster-client.json}: the portal's bearer token for the core's API
 * @param dataDir    where the portal keeps its accounts ({@code certmaster-users.json}) and writes
 *                   the first admin password
 */
public record CertMasterOptions(URI coreUrl, Path clientFile, Path dataDir) {

    /** The path the portal is served under, alone or beside the core. */
    public static final String CONTEXT_PATH = "/certmaster";
}
