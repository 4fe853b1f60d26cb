-- The group after a rush, one row per check: name, PASS or FAIL, and what
-- was found. :size is the group's seats.
WITH
g AS (SELECT * FROM buy_groups WHERE id = '00000000-0000-4000-8000-0000000061a2'),
seated AS (SELECT count(*) AS n, count(DISTINCT user_id) AS people FROM group_members
           WHERE group_id = (SELECT id FROM g) AND status IN ('authorized', 'captured')),
paid AS (SELECT count(*) AS n FROM group_members m JOIN payments p ON p.id = m.payment_id
         WHERE m.group_id = (SELECT id FROM g) AND p.status = 'captured')
SELECT 'exactly :size members' AS check_name,
       CASE WHEN (SELECT n FROM seated) = :size AND (SELECT people FROM seated) = :size THEN 'PASS' ELSE 'FAIL' END,
       (SELECT n FROM seated)::text || ' seats held by ' || (SELECT people FROM seated) || ' people'
UNION ALL
SELECT 'the group is full', CASE WHEN (SELECT status = 'full' AND joined = size FROM g) THEN 'PASS' ELSE 'FAIL' END,
       (SELECT status || ', ' || joined || ' of ' || size FROM g)
UNION ALL
SELECT 'every member captured', CASE WHEN (SELECT n FROM paid) = :size THEN 'PASS' ELSE 'FAIL' END,
       (SELECT n FROM paid)::text || ' captured payments'
UNION ALL
SELECT 'nobody else wrote anything',
       CASE WHEN (SELECT count(*) FROM group_members WHERE group_id = (SELECT id FROM g)) = :size
             AND (SELECT count(*) FROM payments) = :size AND (SELECT count(*) FROM orders) = :size
            THEN 'PASS' ELSE 'FAIL' END,
       (SELECT count(*) FROM group_members)::text || ' members, ' || (SELECT count(*) FROM payments) || ' payments, '
           || (SELECT count(*) FROM orders) || ' orders';
