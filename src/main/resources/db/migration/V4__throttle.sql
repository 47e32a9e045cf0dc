-- Per-provider send budget, one row per provider and second, shared by every instance on this database.
CREATE TABLE rate_window (
    provider     VARCHAR(50) NOT NULL,
    window_start BIGINT NOT NULL,
    used         INTEGER NOT NULL,
    PRIMARY KEY (provider, window_start)
);
