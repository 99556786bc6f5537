-- Window aggregation over the window table functions TUMBLE and HOP: one row per group and
-- window, written when the watermark passes the window's end (append-only, so a filesystem
-- table takes it).
CREATE TABLE clicks (
  who STRING,
  page STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${INPUT}/clicks.csv', 'format' = 'csv');

CREATE TABLE tumbles (kind STRING, who STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3), clicks BIGINT, pages BIGINT, last_click TIMESTAMP(3))
  WITH ('connector' = 'filesystem', 'path' = '${OUTPUT}/result/tumble', 'format' = 'csv');
CREATE TABLE hops (kind STRING, who STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3), clicks BIGINT, pages BIGINT, last_click TIMESTAMP(3))
  WITH ('connector' = 'filesystem', 'path' = '${OUTPUT}/result/hop', 'format' = 'csv');

INSERT INTO tumbles
SELECT 'tumble', who, window_start, window_end, COUNT(*), COUNT(DISTINCT page), MAX(ts)
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, who;

INSERT INTO hops
SELECT 'hop', 'all', window_start, window_end, COUNT(*), COUNT(DISTINCT page), MAX(ts)
FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '20' SECOND))
WHERE page <> 'pay'
GROUP BY window_start, window_end
HAVING COUNT(*) > 1;
