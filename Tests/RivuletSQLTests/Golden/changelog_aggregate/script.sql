-- Aggregations over a changelog: a GROUP BY over a GROUP BY (how many users made n clicks,
-- and the first and last of them by name: a user's count moving on takes the user from n's
-- group, emptying some groups with -D), COUNT, SUM, AVG, MIN, MAX and COUNT(DISTINCT) over
-- a Top-N that evicts rows (ties in amount broken by time, so that which rows are kept does
-- not depend on the order rows arrive in at parallelism 4), and SELECT DISTINCT over a
-- changelog.
CREATE TABLE clicks (
  who STRING,
  page STRING,
  amount INT,
  ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = '${INPUT}/clicks.csv', 'format' = 'csv');

CREATE TABLE histogram (clicks BIGINT, users BIGINT, first_user STRING, last_user STRING) WITH ('connector' = 'print');
CREATE TABLE extremes (who STRING, lowest INT, highest INT, pages BIGINT) WITH ('connector' = 'print');
CREATE TABLE top_total (who STRING, total INT, amounts BIGINT, average INT, big BIGINT) WITH ('connector' = 'print');
CREATE TABLE pages_seen (visits BIGINT) WITH ('connector' = 'print');

INSERT INTO histogram
SELECT clicks, COUNT(*), MIN(who), MAX(who) FROM (SELECT who, COUNT(*) AS clicks FROM clicks GROUP BY who) GROUP BY clicks;

INSERT INTO top_total
SELECT who, SUM(amount), COUNT(amount), AVG(amount), COUNT(*) FILTER (WHERE amount > 30)
FROM (SELECT who, amount, ROW_NUMBER() OVER (PARTITION BY who ORDER BY amount DESC) AS rn FROM clicks)
WHERE rn <= 2
GROUP BY who;

INSERT INTO extremes
SELECT who, MIN(amount), MAX(amount), COUNT(DISTINCT page)
FROM (SELECT who, page, amount, ROW_NUMBER() OVER (PARTITION BY who ORDER BY amount DESC, ts DESC) AS rn FROM clicks)
WHERE rn <= 3
GROUP BY who;

INSERT INTO pages_seen
SELECT DISTINCT visits FROM (SELECT page, COUNT(*) AS visits FROM clicks WHERE who = 'ann' GROUP BY page);
