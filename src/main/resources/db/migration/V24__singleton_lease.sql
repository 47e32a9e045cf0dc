-- Issue 16: work only one instance may do at a time (reading the bounce mailbox): a named lease an instance
-- takes with a conditional update and renews while it works; another takes it over once it has expired.
CREATE TABLE singleton_lease (
    name  VARCHAR(100) PRIMARY KEY,
    owner VARCHAR(100) NOT NULL,
    until TIMESTAMP WITH TIME ZONE NOT NULL
);
