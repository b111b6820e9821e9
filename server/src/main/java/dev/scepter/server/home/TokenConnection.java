package dev.scepter.server.home;

import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.authority.ca.CaSigner;
import dev.scepter.azure.connection.Connection;
import dev.scepter.azure.connection.ConnectionStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Whether the PKCS#11 token that holds the CA key signs now, for the homepage's CA row and
 * {@code /probe}: one signature over a fixed text, at most once per check (the checks are spaced
 * by {@code AppConfig:Probe:ConnectionCheckSeconds}). A token that is gone, or whose login was lost, is NOT CONNECTED
 * with the token's own words; a signature costs an HSM nothing that counts.
 */
final class TokenConnection implements Connection {

    private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);

    private final CaSigner ca;

    TokenConnection(CaSigner ca) {
        this.ca = ca;
    }

    @Override
    public List<ConnectionStatus> check() {
        try {
            ContentSigner signer = ca.contentSigner(SHA256);
            try (OutputStream out = signer.getOutputStream()) {
                out.write("Scepter homepage check".getBytes(StandardCharsets.US_ASCII));
            }
            signer.getSignature();
            return List.of(ConnectionStatus.connected(CloudConnections.CA_KEY, "the token signs"));
        } catch (CaKeyUnavailableException e) {
            return List.of(ConnectionStatus.notConnected(CloudConnections.CA_KEY, e.getMessage(), Optional.empty()));
        } catch (OperatorCreationException | IOException | RuntimeException e) {
            return List.of(ConnectionStatus.notConnected(CloudConnections.CA_KEY, "the token did not sign: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), Optional.empty()));
        }
    }
}
