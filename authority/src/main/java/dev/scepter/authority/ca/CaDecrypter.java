package dev.scepter.authority.ca;

import dev.scepter.protocol.scep.KeyTransportDecryptor;

/**
 * The optional ability to unwrap a content-encryption key with the CA (or RA) key, which SCEP
 * needs to open a pkcsPKIEnvelope (RFC 8894 section 3.2.2). Only RSA keys have it.
 */
public interface CaDecrypter extends KeyTransportDecryptor {
}
