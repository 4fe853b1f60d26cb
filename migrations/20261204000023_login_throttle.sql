-- Login throttling by counters that one row lock makes exact: a failed
-- login counts for its (account, source address) pair, for the account
-- from every address (a looser ceiling against spraying from many
-- addresses) and for the address across accounts. Past a scope's free
-- failures each further one doubles the wait (`blocked_until`), capped;
-- see app/src/accounts/rate_limit.rs. Replaces the old log of failures,
-- whose count-then-insert could be raced.
DROP TABLE login_failures;

CREATE TABLE login_throttle (
    -- 'pair': account_key and source; 'account': account_key, source '';
    -- 'source': source, account_key ''.
    scope           text NOT NULL CHECK (scope IN ('pair', 'account', 'source')),
    account_key     text NOT NULL CHECK (length(account_key) <= 254),
    source          text NOT NULL CHECK (length(source) <= 64),
    failures        integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_failure_at timestamptz,
    blocked_until   timestamptz,
    PRIMARY KEY (scope, account_key, source),
    CHECK ((scope = 'account') = (source = '') AND (scope = 'source') = (account_key = ''))
);
CREATE INDEX login_throttle_last_failure_idx ON login_throttle (last_failure_at);
