-- Rate limits on the social write actions (app/src/limits/): one counter
-- per action and subject (an account, or an anonymous caller's address),
-- counting the actions of a window that opens with the first one and
-- lasts an hour. The row is locked by the transaction that writes the
-- action, so parallel actions count exactly and a failed one takes its
-- count back. The server purges closed windows.
CREATE TABLE action_limits (
    action       text NOT NULL CHECK (action IN ('post', 'comment', 'like', 'follow', 'report', 'message')),
    -- 'account:<uuid>' or 'address:<ip>'
    subject      text NOT NULL CHECK (length(subject) <= 80),
    window_start timestamptz NOT NULL,
    used         integer NOT NULL CHECK (used >= 0),
    PRIMARY KEY (subject, action)
);
CREATE INDEX action_limits_window_start_idx ON action_limits (window_start);
