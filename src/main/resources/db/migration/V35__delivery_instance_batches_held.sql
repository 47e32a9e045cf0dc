-- Issue 18: each instance stamps, with its reading of the running campaigns, how many batches the broker has
-- delivered to it that it has not finished. A queued row counts as lost (and is handed over again) only when
-- no batch waits in the queue and no live instance holds one: a batch held by a busy worker is not lost.
ALTER TABLE delivery_instance ADD COLUMN batches_held INT NOT NULL DEFAULT 0;
