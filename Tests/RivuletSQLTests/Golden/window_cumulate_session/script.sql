-- CUMULATE and SESSION window table functions, aggregated per window: cumulative windows
-- growing by 10 s up to a minute, and sessions closed by 5 s without a click, over all
-- clicks and per user (SESSION's PARTITION BY). Append-only rows to print tables.
CREATE TABLE clicks (
  who STRING,
  page STRING,
  amount INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '3' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${INPUT}/clicks.csv', 'format' = 'csv');

CREATE TABLE cumulative (window_start TIMESTAMP(3), window_end TIMESTAMP(3), who STRING, clicks BIGINT, pages BIGINT, total INT)
  WITH ('connector' = 'print');
CREATE TABLE sessions (window_start TIMESTAMP(3), window_end TIMESTAMP(3), clicks BIGINT, users BIGINT, last_click TIMESTAMP(3))
  WITH ('connector' = 'print');
CREATE TABLE partitioned (window_start TIMESTAMP(3), window_end TIMESTAMP(3), who STRING, paid INT)
  WITH ('connector' = 'print');

INSERT INTO cumulative
SELECT window_start, window_end, who, COUNT(*), COUNT(DISTINCT page), SUM(amount)
FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, who;

INSERT INTO sessions
SELECT window_start, window_end, COUNT(*), COUNT(DISTINCT who), MAX(ts)
FROM TABLE(SESSION(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND))
WHERE page <> 'faq'
GROUP BY window_start, window_end;

INSERT INTO partitioned
SELECT window_start, window_end, who, SUM(amount) FILTER (WHERE page = 'pay')
FROM TABLE(SESSION(TABLE clicks PARTITION BY who, DESCRIPTOR(ts), INTERVAL '5' SECOND))
GROUP BY window_start, window_end, who
HAVING COUNT(*) > 2;
