-- GROUP BY without a window: a changelog (+I, then -U/+U per change) of COUNT, COUNT(*),
-- COUNT(DISTINCT), SUM, AVG, MIN, MAX and FILTER per group, with HAVING.
CREATE TABLE sales (region STRING, product STRING, units INT, price DECIMAL(8, 2))
  WITH ('connector' = 'filesystem', 'path' = '${INPUT}/sales.csv', 'format' = 'csv', 'csv.null-literal' = '');

CREATE TABLE totals (
  region STRING,
  orders BIGINT,
  counted BIGINT,
  units INT,
  revenue DECIMAL(38, 2),
  avg_units INT,
  cheapest DECIMAL(8, 2),
  products BIGINT,
  big_orders BIGINT,
  first_product STRING
) WITH ('connector' = 'print');

INSERT INTO totals
SELECT
  region,
  COUNT(*),
  COUNT(units),
  SUM(units),
  SUM(units * price),
  AVG(units),
  MIN(price),
  COUNT(DISTINCT product),
  COUNT(*) FILTER (WHERE units >= 10),
  MIN(product)
FROM sales
WHERE price < 3
GROUP BY region
HAVING SUM(units) > 2;
