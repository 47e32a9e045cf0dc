-- Issue 18: contact data (addresses, phone numbers, names, postal addresses) is removed a configured number of
-- days after a campaign closed; the proof of notification (statuses, times, hashes of what was sent, the
-- references) stays. contact_purged_at records when, so every instance skips what is done.
ALTER TABLE campaign ADD COLUMN contact_purged_at TIMESTAMP WITH TIME ZONE;
