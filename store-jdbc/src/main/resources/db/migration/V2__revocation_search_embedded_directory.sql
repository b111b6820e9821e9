-- Scepter's schema, version 2: manual revocation, the serial index feed and search over
-- issued_certificate, and the embedded directory. Like V1, written once for H2 2.x and
-- PostgreSQL 15 (no partial or expression indexes: H2 has neither).

-- The CRL and the OCSP responders' revocation set: an issuer's certificates revoked by hand.
create index issued_certificate_revoked on issued_certificate (issuer, revocation_reason);
-- The issued-serial index feed (issued_at >= ?) and search, newest first: issued_at desc,
-- serial_number desc, which this index serves read backwards.
create index issued_certificate_issued_at on issued_certificate (issuer, issued_at, serial_number);

-- The embedded directory's devices: a certificate bound to one is good while it is here and enabled.
create table directory_device (
    object_id   uuid         not null,
    name        varchar(1024),                            -- the device name, when known
    enabled     boolean      not null,
    updated_at  timestamp with time zone not null,
    constraint directory_device_pk primary key (object_id)
);

-- The embedded directory's users. The userPrincipalName is kept as given and, to compare it
-- case-insensitively and keep it unique that way, lower-cased (Locale.ROOT) in a column of its own.
create table directory_user (
    object_id                  uuid          not null,
    user_principal_name        varchar(1024) not null,
    user_principal_name_lower  varchar(1024) not null,
    enabled                    boolean       not null,
    updated_at                 timestamp with time zone not null,
    constraint directory_user_pk primary key (object_id),
    constraint directory_user_upn unique (user_principal_name_lower)
);
