-- The rows of window table functions without aggregation: each row once per window it falls
-- in (TUMBLE once, HOP size/slide times, CUMULATE once per step to the end of its period),
-- with window_start, window_end and window_time; a filter on the window columns.
CREATE TABLE clicks (
  who STRING,
  page STRING,
  amount INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '3' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${INPUT}/clicks.csv', 'format' = 'csv');

CREATE TABLE tumbled (who STRING, amount INT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), window_time TIMESTAMP(3))
  WITH ('connector' = 'print');
CREATE TABLE hopped (who STRING, amount INT, window_start TIMESTAMP(3), window_end TIMESTAMP(3))
  WITH ('connector' = 'print');
CREATE TABLE cumulated (page STRING, ts TIMESTAMP(3), window_end TIMESTAMP(3))
  WITH ('connector' = 'print');

INSERT INTO tumbled
SELECT who, amount, window_start, window_end, window_time FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND));

INSERT INTO hopped
SELECT who, amount, window_start, window_end
FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '15' SECOND))
WHERE window_end > TIMESTAMP '2026-03-01 09:00:30' AND amount > 10;

INSERT INTO cumulated
SELECT page, ts, window_end FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '20' SECOND, INTERVAL '1' MINUTE));
