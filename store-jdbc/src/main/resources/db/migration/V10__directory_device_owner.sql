-- A device's registered owner (a user's object id, not necessarily one of directory_user's):
-- self-service (CSR.SelfService) lets that user enroll for the device. Not a foreign key: the
-- owner may be added after the device, and a deleted user simply owns nothing.
alter table directory_device add column owner_id uuid;
