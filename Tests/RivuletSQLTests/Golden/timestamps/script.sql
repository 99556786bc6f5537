-- Timestamps: DATE_FORMAT, EXTRACT, the field functions, comparisons with TIMESTAMP
-- literals, INTERVAL arithmetic and CAST to STRING.
CREATE TABLE events (
  id INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${INPUT}/events.csv', 'format' = 'csv');

CREATE TABLE results (
  id INT,
  day_text STRING,
  year_num BIGINT,
  month_num BIGINT,
  hour_num BIGINT,
  later TIMESTAMP(3),
  earlier TIMESTAMP(3),
  as_text STRING,
  is_leap_day BOOLEAN
) WITH ('connector' = 'filesystem', 'path' = '${OUTPUT}/result', 'format' = 'csv');

INSERT INTO results
SELECT
  id,
  DATE_FORMAT(ts, 'yyyy/MM/dd HH:mm:ss'),
  EXTRACT(YEAR FROM ts),
  EXTRACT(MONTH FROM ts),
  HOUR(ts),
  ts + INTERVAL '1' DAY,
  ts - INTERVAL '90' MINUTE,
  CAST(ts AS STRING),
  ts >= TIMESTAMP '2024-02-29 00:00:00' AND ts < TIMESTAMP '2024-03-01 00:00:00'
FROM events
WHERE ts > TIMESTAMP '2000-01-01 00:00:00';
