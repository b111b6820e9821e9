-- A device's or user's security identifier (S-1-5-21-..., Entra's onPremisesSecurityIdentifier),
-- written into its certificates' SID extension when AppConfig:AddSidExtension is on. 184
-- characters hold the longest SID text (15 sub-authorities).
alter table directory_device add column security_identifier varchar(184);
alter table directory_user add column security_identifier varchar(184);
