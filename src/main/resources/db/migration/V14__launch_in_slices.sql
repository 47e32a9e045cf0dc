-- A launch creates its deliveries in slices of accounts (in account id order), each slice committed and handed
-- to the workers at once: the first notices go out within a second of the launch instead of after every row
-- exists (over a minute at 1M on a 2-core machine). creation_cursor is the last account id whose deliveries
-- exist; deliveries_created_at is set with the last slice. A campaign completes only after that, and creation
-- that stopped with its instance is taken up again from the cursor.
ALTER TABLE campaign ADD COLUMN creation_cursor VARCHAR(200);
ALTER TABLE campaign ADD COLUMN deliveries_created_at TIMESTAMP WITH TIME ZONE;
UPDATE campaign SET deliveries_created_at = launched_at WHERE launched_at IS NOT NULL;
