-- One-time SCEP challenges (minted through POST /api/challenges). The value is never stored,
-- only its SHA-256; a challenge is used up by the first request it authorises.
create table one_time_challenge (
    value_hash     bytea         not null,
    bound_subject  varchar(1024),                      -- a CN or SAN value the request must carry
    expires_at     timestamp with time zone not null,
    used_at        timestamp with time zone,
    created_at     timestamp with time zone default current_timestamp not null,
    constraint one_time_challenge_pk primary key (value_hash)
);
create index one_time_challenge_expires on one_time_challenge (expires_at);
