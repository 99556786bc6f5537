-- Projections and filters: arithmetic, comparisons, three-valued logic, CASE, COALESCE,
-- IN, LIKE, BETWEEN, string functions and CAST over rows with NULLs.
CREATE TABLE items (
  id INT,
  name STRING,
  price DECIMAL(10, 2),
  qty INT,
  active BOOLEAN,
  ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = '${INPUT}/items.csv', 'format' = 'csv', 'csv.null-literal' = '');

CREATE TABLE results (
  id INT,
  label STRING,
  total DECIMAL(21, 2),
  qty_or_default INT,
  band STRING,
  is_widget BOOLEAN,
  name_length INT,
  price_double DOUBLE,
  id_class STRING,
  half_qty INT,
  neg_mod INT
) WITH ('connector' = 'filesystem', 'path' = '${OUTPUT}/result', 'format' = 'csv', 'csv.null-literal' = '');

INSERT INTO results
SELECT
  id,
  UPPER(name) || '/' || LOWER(name),
  price * qty,
  COALESCE(qty, -1),
  CASE WHEN price >= 100 THEN 'high' WHEN price >= 10 THEN 'mid' WHEN price IS NULL THEN 'none' ELSE 'low' END,
  LOWER(name) LIKE '%idget%',
  CHAR_LENGTH(name),
  CAST(price AS DOUBLE),
  CASE WHEN id IN (1, 3, 5) THEN 'odd' WHEN id BETWEEN 4 AND 6 THEN 'high even' ELSE 'other' END,
  qty / 2,
  MOD(qty, 2)
FROM items
WHERE active IS NOT FALSE OR NOT (qty > 1);
