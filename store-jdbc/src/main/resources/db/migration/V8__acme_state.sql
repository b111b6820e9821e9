-- ACME's state (RFC 8555), kept here so that every node sharing the database serves every client
-- and a restart loses nothing (AcmeStore).

-- Accounts: a key finds at most one account.
create table acme_account (
    id                varchar(64)  not null,
    thumbprint        varchar(64)  not null,              -- the key's JWK thumbprint (RFC 7638), base64url
    jwk               varchar      not null,              -- the public key, a JWK's JSON
    status            varchar(16)  not null,              -- valid, deactivated
    contact           varchar      not null,              -- mailto: URIs, one a line; empty when none
    external_account  varchar(256),                       -- the external account key id it was bound with
    created_at        timestamp with time zone not null,
    version           bigint       not null,              -- compare-and-set: every update adds one
    constraint acme_account_pk primary key (id),
    constraint acme_account_thumbprint unique (thumbprint)
);

-- Orders, each with its authorizations, challenges, status and certificate in one JSON document
-- (AcmeOrderDocument), replaced as a whole on its version.
create table acme_order (
    id           varchar(64)  not null,
    account_id   varchar(64)  not null,
    identifiers  varchar      not null,                   -- "type:value", space-separated
    expires_at   timestamp with time zone not null,
    document     varchar      not null,
    created_at   timestamp with time zone default current_timestamp not null,
    version      bigint       not null,
    constraint acme_order_pk primary key (id)
);
create index acme_order_account on acme_order (account_id, expires_at);

-- The account that ordered each certificate, kept after its order is forgotten (revocation by account).
create table acme_ordered_certificate (
    serial_number  varchar(64) not null,                  -- upper-case hex, as issued_certificate keeps it
    account_id     varchar(64) not null,
    constraint acme_ordered_certificate_pk primary key (serial_number)
);

-- Replay nonces (RFC 8555 section 6.5) are stateless until used: MACed with the installation's key
-- (acme_secret 'nonce-key', base64, kept by the first node that needs it). A nonce used is a row
-- of its hash until it expires; the primary key makes a second use fail, on every node.
create table acme_secret (
    name    varchar(64) not null,
    secret  varchar     not null,
    constraint acme_secret_pk primary key (name)
);
create table acme_nonce_used (
    nonce_hash  varchar(64) not null,                      -- SHA-256 of the nonce, base64url
    expires_at  timestamp with time zone not null,
    constraint acme_nonce_used_pk primary key (nonce_hash)
);
create index acme_nonce_used_expires on acme_nonce_used (expires_at);
