-- SELECT DISTINCT: each distinct row once, as the first +I of a changelog (NULL counts as a
-- value), here after a projection that makes rows equal.
CREATE TABLE pairs (a STRING, b INT)
  WITH ('connector' = 'filesystem', 'path' = '${INPUT}/pairs.csv', 'format' = 'csv', 'csv.null-literal' = '');

CREATE TABLE distinct_pairs (a STRING, b INT, a_upper STRING) WITH ('connector' = 'print');

INSERT INTO distinct_pairs
SELECT DISTINCT a, b, UPPER(a) FROM pairs WHERE a <> 'y' OR b = 2;
