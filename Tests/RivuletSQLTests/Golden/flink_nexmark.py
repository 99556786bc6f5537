# Times nexmark-flink's q0-q2 (and any query of the SQL scope reading bids) on Apache Flink
# 2.3 (PyPI apache-flink, its local MiniCluster, parallelism 1) over the CSV files of
# bin/nexmark-data, for the SQL-vs-Flink figures of docs/sql.md. Not part of bin/test.
#
#   /tmp/flinkenv/bin/python Tests/RivuletSQLTests/Golden/flink_nexmark.py .build/nexmark-data/events-10000000-seed-42 q0 q1 q2
import json
import os
import sys
import time

from pyflink.table import EnvironmentSettings, TableEnvironment

directory = os.path.abspath(sys.argv[1])
bids = json.load(open(os.path.join(directory, "meta.json")))["bids"]
queries = {
    "q0": "SELECT auction, bidder, price, `dateTime`, extra FROM bid",
    "q1": "SELECT auction, bidder, 0.908 * price as price, `dateTime`, extra FROM bid",
    "q2": "SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0",
    "q18": """SELECT auction, bidder, price, channel, url, `dateTime`, extra
        FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY `dateTime` DESC) AS rank_number FROM bid)
        WHERE rank_number <= 1""",
    "q19": """SELECT * FROM
        (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
        WHERE rank_number <= 10""",
}
sinks = {
    "q0": "auction BIGINT, bidder BIGINT, price BIGINT, `dateTime` TIMESTAMP(3), extra VARCHAR",
    "q1": "auction BIGINT, bidder BIGINT, price DECIMAL(23, 3), `dateTime` TIMESTAMP(3), extra VARCHAR",
    "q2": "auction BIGINT, price BIGINT",
    "q18": "auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR",
    "q19": "auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR, rank_number BIGINT",
}
for name in sys.argv[2:]:
    env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    env.get_config().set("parallelism.default", "1")
    env.execute_sql(f"""CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
        `dateTime` TIMESTAMP(3), extra VARCHAR, WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND)
        WITH ('connector' = 'filesystem', 'path' = '{directory}/bids.csv', 'format' = 'csv')""")
    env.execute_sql(f"CREATE TABLE sink ({sinks[name]}) WITH ('connector' = 'blackhole')")
    start = time.time()
    env.execute_sql(f"INSERT INTO sink {queries[name]}").wait()
    seconds = time.time() - start
    print(f"{name}: {bids} bids in {seconds:.1f} s = {bids / seconds / 1e6:.2f}M events/s (Flink 2.3 SQL, p=1, job submission included)", flush=True)
