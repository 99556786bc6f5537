-- Aggregations over a changelog: a GROUP BY over a GROUP BY (how many users made n clicks:
-- a user's count moving on takes one user from n's group, emptying some groups with -D),
-- COUNT, SUM and AVG over a Top-N (each user's two largest amounts) that retracts rows, and
-- SELECT DISTINCT over a changelog.
CREATE TABLE clicks (
  who STRING,
  page STRING,
  amount INT,
  ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = '${INPUT}/clicks.csv', 'format' = 'csv');

CREATE TABLE histogram (clicks BIGINT, users BIGINT) WITH ('connector' = 'print');
CREATE TABLE top_total (who STRING, total INT, amounts BIGINT, average INT, big BIGINT) WITH ('connector' = 'print');
CREATE TABLE pages_seen (visits BIGINT) WITH ('connector' = 'print');

INSERT INTO histogram
SELECT clicks, COUNT(*) FROM (SELECT who, COUNT(*) AS clicks FROM clicks GROUP BY who) GROUP BY clicks;

INSERT INTO top_total
SELECT who, SUM(amount), COUNT(amount), AVG(amount), COUNT(*) FILTER (WHERE amount > 30)
FROM (SELECT who, amount, ROW_NUMBER() OVER (PARTITION BY who ORDER BY amount DESC) AS rn FROM clicks)
WHERE rn <= 2
GROUP BY who;

INSERT INTO pages_seen
SELECT DISTINCT visits FROM (SELECT page, COUNT(*) AS visits FROM clicks WHERE who = 'ann' GROUP BY page);
