-- A scheduled launch that was due while no instance ran is not fired late: it is marked missed and waits
-- for an operator to confirm (launch) or cancel.
ALTER TABLE campaign ADD COLUMN schedule_missed_at TIMESTAMP WITH TIME ZONE;
