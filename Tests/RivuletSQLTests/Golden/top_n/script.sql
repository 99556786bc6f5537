-- Top-N and deduplication (ROW_NUMBER() OVER filtered on the row number) as changelogs to
-- print tables: the top 3 prices per auction with their row number (nexmark-flink's q19
-- shape), the top 2 without it, the lowest price per bidder, and the last and first bid of
-- each bidder and auction by event time (q18's shape). One bid has no price (NULL).
CREATE TABLE bids (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${INPUT}/bids.csv', 'format' = 'csv', 'csv.null-literal' = '');

CREATE TABLE top3 (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3), rn BIGINT) WITH ('connector' = 'print');
CREATE TABLE top2 (auction BIGINT, price BIGINT, bidder BIGINT) WITH ('connector' = 'print');
CREATE TABLE highest (bidder BIGINT, price BIGINT, auction BIGINT, r BIGINT) WITH ('connector' = 'print');
CREATE TABLE lowest (bidder BIGINT, r BIGINT, price BIGINT, auction BIGINT) WITH ('connector' = 'print');
CREATE TABLE last_bid (bidder BIGINT, auction BIGINT, price BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'print');
CREATE TABLE first_bid (bidder BIGINT, price BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'print');

INSERT INTO top3
SELECT * FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bids
) WHERE rn <= 3;

INSERT INTO top2
SELECT auction, price, bidder FROM (
  SELECT auction, bidder, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS row_num
  FROM bids WHERE price IS NOT NULL
) t WHERE row_num < 3;

INSERT INTO highest
SELECT bidder, price, auction, r FROM (
  SELECT bidder, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY price DESC) AS r, price, auction FROM bids
) WHERE r = 1 AND auction > 1;

INSERT INTO lowest
SELECT bidder, r, price, auction FROM (
  SELECT bidder, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY price) AS r, price, auction FROM bids
) WHERE r <= 2 AND auction > 1;

INSERT INTO last_bid
SELECT bidder, auction, price, ts FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY ts DESC) AS rank_number FROM bids
) WHERE rank_number <= 1;

INSERT INTO first_bid
SELECT bidder, price, ts FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY ts ASC) AS n FROM bids
) WHERE n = 1;
