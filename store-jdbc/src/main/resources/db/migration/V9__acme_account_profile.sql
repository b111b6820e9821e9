-- ACME profiles (AppConfig:Acme:Profiles): an account belongs to the profile it registered on and is
-- served by that profile alone. Every account made before is the default profile's. A key may hold
-- one account per profile, so the key is unique within a profile, not across the installation.
alter table acme_account add column profile varchar(32) default 'default' not null;
alter table acme_account drop constraint acme_account_thumbprint;
alter table acme_account add constraint acme_account_profile_thumbprint unique (profile, thumbprint);
