-- JSON in and out, with a ROW column and access to its fields.
CREATE TABLE readings (
  sensor STRING,
  reading ROW<celsius DOUBLE, ok BOOLEAN>,
  ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = '${INPUT}/readings.json', 'format' = 'json');

CREATE TABLE results (sensor STRING, fahrenheit DOUBLE, ok BOOLEAN, ts TIMESTAMP(3))
  WITH ('connector' = 'filesystem', 'path' = '${OUTPUT}/result', 'format' = 'json');

INSERT INTO results
SELECT sensor, reading.celsius * 9 / 5 + 32, reading.ok, ts FROM readings;
