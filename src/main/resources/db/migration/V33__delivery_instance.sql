-- Issue 18: each running instance reads which campaigns may still send every few tens of milliseconds and
-- stamps its row with the database time of the read. A pause or cancel answers once every live instance has
-- read after it, so nothing but the notice already on each connection's wire leaves after the answer.
CREATE TABLE delivery_instance (
    instance_id VARCHAR(64) PRIMARY KEY,
    read_at TIMESTAMP WITH TIME ZONE NOT NULL
);
