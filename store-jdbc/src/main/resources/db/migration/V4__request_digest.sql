-- SHA-256 of the PKCS#10 request a certificate was issued for: a SCEP retransmission (same
-- transactionID, DER-identical request) gets the same certificate (RFC 8894 section 3.3.2).
alter table issued_certificate add column request_sha256 bytea;
