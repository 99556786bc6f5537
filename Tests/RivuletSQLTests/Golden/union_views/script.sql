-- Views, subqueries in FROM and UNION ALL of two tables.
CREATE TABLE orders_eu (id BIGINT, customer STRING, amount DECIMAL(8, 2))
  WITH ('connector' = 'filesystem', 'path' = '${INPUT}/orders_eu.csv', 'format' = 'csv');
CREATE TABLE orders_us (id BIGINT, customer STRING, amount DECIMAL(8, 2))
  WITH ('connector' = 'filesystem', 'path' = '${INPUT}/orders_us.csv', 'format' = 'csv');

CREATE VIEW all_orders AS
  SELECT id, customer, amount, 'EU' AS region FROM orders_eu
  UNION ALL
  SELECT id, customer, amount, 'US' AS region FROM orders_us;

CREATE VIEW large_orders AS
  SELECT * FROM all_orders WHERE amount >= 10;

CREATE TABLE results (region STRING, customer STRING, amount_cents BIGINT)
  WITH ('connector' = 'filesystem', 'path' = '${OUTPUT}/result', 'format' = 'csv');

INSERT INTO results
SELECT o.region, o.customer, CAST(o.amount * 100 AS BIGINT)
FROM (SELECT region, customer, amount FROM large_orders) AS o
WHERE o.customer <> 'erin';
