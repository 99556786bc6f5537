-- DECIMAL arithmetic: result scales as Flink types them, rounding half up on CAST, and
-- integer/decimal mixes.
CREATE TABLE prices (
  sku STRING,
  amount DECIMAL(12, 3),
  units BIGINT
) WITH ('connector' = 'filesystem', 'path' = '${INPUT}/prices.csv', 'format' = 'csv', 'csv.null-literal' = '');

CREATE TABLE results (
  sku STRING,
  plus_one DECIMAL(14, 3),
  times_units DECIMAL(32, 3),
  euro DECIMAL(16, 6),
  rounded DECIMAL(10, 1),
  as_int BIGINT,
  negated DECIMAL(12, 3),
  over_two DECIMAL(20, 6)
) WITH ('connector' = 'filesystem', 'path' = '${OUTPUT}/result', 'format' = 'csv', 'csv.null-literal' = '');

INSERT INTO results
SELECT
  sku,
  amount + 1,
  amount * units,
  amount * 0.908,
  CAST(amount AS DECIMAL(10, 1)),
  CAST(amount AS BIGINT),
  -amount,
  amount / 2
FROM prices;
