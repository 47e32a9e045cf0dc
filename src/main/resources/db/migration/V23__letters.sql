-- Issue 15: letters by post. Each letter delivery is rendered to a print-ready PDF when it is "sent" and kept
-- here until an operator puts it in a batch for the mail house; a batch is handed over (the delivery is then
-- delivered to the postal service), and letters that come back are recorded from their references.
CREATE TABLE letter_batch (
    id             VARCHAR(36) PRIMARY KEY,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by     VARCHAR(200) NOT NULL,
    letters        INTEGER NOT NULL,
    handed_over_at TIMESTAMP WITH TIME ZONE,
    handed_over_by VARCHAR(200)
);

CREATE TABLE letter (
    delivery_id BIGINT PRIMARY KEY,
    campaign_id VARCHAR(36) NOT NULL,
    batch_id    VARCHAR(36) REFERENCES letter_batch (id),
    -- the address as printed (the account may change later; the mail house's manifest shows this one)
    name          VARCHAR(300),
    address_line1 VARCHAR(200) NOT NULL,
    address_line2 VARCHAR(200),
    city          VARCHAR(100) NOT NULL,
    region        VARCHAR(10),
    postal_code   VARCHAR(20),
    country       VARCHAR(2) NOT NULL,
    paper       VARCHAR(10) NOT NULL,
    pages       INTEGER NOT NULL,
    pdf         BYTEA NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    returned_at TIMESTAMP WITH TIME ZONE
);

-- letters waiting for a batch (batch_id NULL) and a batch's letters, both in delivery order
CREATE INDEX letter_batch_order ON letter (batch_id, delivery_id);
