-- Scepter's schema, version 6: an index for the expiry queries (Certificate Master's expiry page
-- and the expiring-certificate gauges on /metrics, refreshed periodically), which also bounds the
-- successor check of an unbound certificate to the rows that expire later. Like V1, for H2 2.x
-- and PostgreSQL 15. (No index on subject: PostgreSQL's B-tree refuses entries beyond about
-- 2,700 bytes, which a long subject can reach.)
create index issued_certificate_expiry on issued_certificate (issuer, not_after);
