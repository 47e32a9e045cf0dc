-- The launch publisher records when it started and finished handing a campaign's deliveries to the queue,
-- instead of stamping every delivery row (one rewrite of each row, with all its index entries, saved).
ALTER TABLE campaign ADD COLUMN publish_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE campaign ADD COLUMN published_at TIMESTAMP WITH TIME ZONE;
