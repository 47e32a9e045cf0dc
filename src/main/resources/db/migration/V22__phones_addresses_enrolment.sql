-- Issue 15: whether an account's phone takes SMS (libphonenumber's type: a fixed line is kept but not
-- reachable by SMS; NULL for numbers stored before, read as "takes SMS" as they always were), the postal
-- address a letter goes to (region and country are the account's own), and the per-account code that enrols
-- a person in the offered protection service (it belongs to the incident's exposure, not the account).
ALTER TABLE account ADD COLUMN phone_sms BOOLEAN;
ALTER TABLE account ADD COLUMN address_line1 VARCHAR(200);
ALTER TABLE account ADD COLUMN address_line2 VARCHAR(200);
ALTER TABLE account ADD COLUMN city VARCHAR(100);
ALTER TABLE account ADD COLUMN postal_code VARCHAR(20);
ALTER TABLE exposure ADD COLUMN enrolment_code VARCHAR(64);
