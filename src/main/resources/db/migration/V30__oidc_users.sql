-- Issue 17: console users who sign in through the company's OIDC provider. They are made on their first
-- sign-in and their roles follow the provider's claim at each sign-in; they have no password (the hash column
-- holds a value no password matches), so HTTP Basic never opens their account.
ALTER TABLE app_user ADD COLUMN signs_in_with VARCHAR(10) DEFAULT 'password' NOT NULL;
