-- Issue 16: each bounce, complaint or delivery report is applied once. The report's own identity (the bounce
-- message's Message-ID, the SNS MessageId, the webhook event's id) is kept in the same transaction as what it
-- changed, so a report read again (a crash between the commit and moving the message, SNS delivering twice)
-- changes nothing the second time. Kept 30 days.
CREATE TABLE feedback_receipt (
    receipt     VARCHAR(100) PRIMARY KEY,
    delivery_id BIGINT NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX feedback_receipt_received ON feedback_receipt (received_at);
