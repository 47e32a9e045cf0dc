-- Issue 14: recipients check a notice, support finds it by the reference a caller reads out.
-- The verification reference is written when the send is recorded (it is an HMAC of the id, so it cannot
-- be computed in SQL at creation); only sent notices carry one, and only they are looked up by it.
ALTER TABLE delivery ADD COLUMN reference VARCHAR(20);
CREATE INDEX delivery_reference ON delivery (reference);

-- The title a recipient may see on /verify (the campaign's name is internal); unset: the incident's title.
ALTER TABLE campaign ADD COLUMN public_title VARCHAR(300);

-- What a recipient did with the notice: first view of the advisory page, acknowledgement. Written by the
-- public pages (tracking); times only, no address of the reader.
CREATE TABLE notice_engagement (
    delivery_id     BIGINT PRIMARY KEY REFERENCES delivery (id),
    opened_at       TIMESTAMP WITH TIME ZONE,
    acknowledged_at TIMESTAMP WITH TIME ZONE
);

-- Requests per client address and minute on the public lookups (/verify), shared by every instance.
CREATE TABLE public_rate_window (
    client_key   VARCHAR(100) NOT NULL,
    window_start BIGINT NOT NULL,
    used         INTEGER NOT NULL,
    PRIMARY KEY (client_key, window_start)
);
