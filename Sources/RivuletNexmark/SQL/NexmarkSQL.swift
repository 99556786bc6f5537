// The Nexmark queries of nexmark-flink (github.com/nexmark/nexmark, Apache License 2.0),
// nexmark-flink/src/main/resources/queries/, as that repository writes them.

import Foundation

/// The scripts, with their `${...}` placeholders as nexmark-flink's runner fills them.
public enum NexmarkSQL {
    public static let ddlGenerator = """
        CREATE TABLE datagen (
            event_type int,
            person ROW<
                id  BIGINT,
                name  VARCHAR,
                emailAddress  VARCHAR,
                creditCard  VARCHAR,
                city  VARCHAR,
                state  VARCHAR,
                `dateTime` TIMESTAMP(3),
                extra  VARCHAR>,
            auction ROW<
                id  BIGINT,
                itemName  VARCHAR,
                description  VARCHAR,
                initialBid  BIGINT,
                reserve  BIGINT,
                `dateTime`  TIMESTAMP(3),
                expires  TIMESTAMP(3),
                seller  BIGINT,
                category  BIGINT,
                extra  VARCHAR>,
            bid ROW<
                auction  BIGINT,
                bidder  BIGINT,
                price  BIGINT,
                channel  VARCHAR,
                url  VARCHAR,
                `dateTime`  TIMESTAMP(3),
                extra  VARCHAR>,
            `dateTime` AS
                CASE
                    WHEN event_type = 0 THEN person.`dateTime`
                    WHEN event_type = 1 THEN auction.`dateTime`
                    ELSE bid.`dateTime`
                END,
            WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
        ) WITH (
            'connector' = 'nexmark',
            'first-event.rate' = '${TPS}',
            'next-event.rate' = '${TPS}',
            'events.num' = '${EVENTS_NUM}',
            'person.proportion' = '${PERSON_PROPORTION}',
            'auction.proportion' = '${AUCTION_PROPORTION}',
            'bid.proportion' = '${BID_PROPORTION}'
        );
        """

    public static let ddlViews = """
        CREATE VIEW person AS
        SELECT
            person.id,
            person.name,
            person.emailAddress,
            person.creditCard,
            person.city,
            person.state,
            `dateTime`,
            person.extra
        FROM ${NEXMARK_TABLE} WHERE event_type = 0;

        CREATE VIEW auction AS
        SELECT
            auction.id,
            auction.itemName,
            auction.description,
            auction.initialBid,
            auction.reserve,
            `dateTime`,
            auction.expires,
            auction.seller,
            auction.category,
            auction.extra
        FROM ${NEXMARK_TABLE} WHERE event_type = 1;

        CREATE VIEW bid AS
        SELECT
            bid.auction,
            bid.bidder,
            bid.price,
            bid.channel,
            bid.url,
            `dateTime`,
            bid.extra
        FROM ${NEXMARK_TABLE} WHERE event_type = 2;
        """

    public static let q0 = """
        CREATE TABLE nexmark_q0 (
          auction  BIGINT,
          bidder  BIGINT,
          price  BIGINT,
          `dateTime`  TIMESTAMP(3),
          extra  VARCHAR
        ) WITH (
          'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q0
        SELECT auction, bidder, price, `dateTime`, extra FROM bid;
        """

    public static let q1 = """
        CREATE TABLE nexmark_q1 (
          auction  BIGINT,
          bidder  BIGINT,
          price  DECIMAL(23, 3),
          `dateTime`  TIMESTAMP(3),
          extra  VARCHAR
        ) WITH (
          'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q1
        SELECT
            auction,
            bidder,
            0.908 * price as price, -- convert dollar to euro
            `dateTime`,
            extra
        FROM bid;
        """

    public static let q2 = """
        CREATE TABLE nexmark_q2 (
          auction  BIGINT,
          price  BIGINT
        ) WITH (
          'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q2
        SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;
        """

    public static let q11 = """
        CREATE TABLE nexmark_q11 (
          bidder BIGINT,
          bid_count BIGINT,
          starttime TIMESTAMP(3),
          endtime TIMESTAMP(3)
        ) WITH (
          'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q11
        SELECT
            B.bidder,
            count(*) as bid_count,
            SESSION_START(B.`dateTime`, INTERVAL '10' SECOND) as starttime,
            SESSION_END(B.`dateTime`, INTERVAL '10' SECOND) as endtime
        FROM bid B
        GROUP BY B.bidder, SESSION(B.`dateTime`, INTERVAL '10' SECOND);
        """

    public static let q12 = """
        CREATE TABLE nexmark_q12 (
          bidder BIGINT,
          bid_count BIGINT,
          starttime TIMESTAMP(3),
          endtime TIMESTAMP(3)
        ) WITH (
          'connector' = 'blackhole'
        );

        CREATE VIEW B AS SELECT *, PROCTIME() as p_time FROM bid;

        INSERT INTO nexmark_q12
        SELECT
            bidder,
            count(*) as bid_count,
            window_start AS starttime,
            window_end AS endtime
        FROM TABLE(
                TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
        GROUP BY bidder, window_start, window_end;
        """

    public static let q15 = """
        CREATE TABLE nexmark_q15 (
          `day` VARCHAR,
          total_bids BIGINT,
          rank1_bids BIGINT,
          rank2_bids BIGINT,
          rank3_bids BIGINT,
          total_bidders BIGINT,
          rank1_bidders BIGINT,
          rank2_bidders BIGINT,
          rank3_bidders BIGINT,
          total_auctions BIGINT,
          rank1_auctions BIGINT,
          rank2_auctions BIGINT,
          rank3_auctions BIGINT
        ) WITH (
          'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q15
        SELECT
             DATE_FORMAT(`dateTime`, 'yyyy-MM-dd') as `day`,
             count(*) AS total_bids,
             count(*) filter (where price < 10000) AS rank1_bids,
             count(*) filter (where price >= 10000 and price < 1000000) AS rank2_bids,
             count(*) filter (where price >= 1000000) AS rank3_bids,
             count(distinct bidder) AS total_bidders,
             count(distinct bidder) filter (where price < 10000) AS rank1_bidders,
             count(distinct bidder) filter (where price >= 10000 and price < 1000000) AS rank2_bidders,
             count(distinct bidder) filter (where price >= 1000000) AS rank3_bidders,
             count(distinct auction) AS total_auctions,
             count(distinct auction) filter (where price < 10000) AS rank1_auctions,
             count(distinct auction) filter (where price >= 10000 and price < 1000000) AS rank2_auctions,
             count(distinct auction) filter (where price >= 1000000) AS rank3_auctions
        FROM bid
        GROUP BY DATE_FORMAT(`dateTime`, 'yyyy-MM-dd');
        """

    public static let q16 = """
        CREATE TABLE nexmark_q16 (
            channel VARCHAR,
            `day` VARCHAR,
            `minute` VARCHAR,
            total_bids BIGINT,
            rank1_bids BIGINT,
            rank2_bids BIGINT,
            rank3_bids BIGINT,
            total_bidders BIGINT,
            rank1_bidders BIGINT,
            rank2_bidders BIGINT,
            rank3_bidders BIGINT,
            total_auctions BIGINT,
            rank1_auctions BIGINT,
            rank2_auctions BIGINT,
            rank3_auctions BIGINT
        ) WITH (
            'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q16
        SELECT
            channel,
            DATE_FORMAT(`dateTime`, 'yyyy-MM-dd') as `day`,
            max(DATE_FORMAT(`dateTime`, 'HH:mm')) as `minute`,
            count(*) AS total_bids,
            count(*) filter (where price < 10000) AS rank1_bids,
            count(*) filter (where price >= 10000 and price < 1000000) AS rank2_bids,
            count(*) filter (where price >= 1000000) AS rank3_bids,
            count(distinct bidder) AS total_bidders,
            count(distinct bidder) filter (where price < 10000) AS rank1_bidders,
            count(distinct bidder) filter (where price >= 10000 and price < 1000000) AS rank2_bidders,
            count(distinct bidder) filter (where price >= 1000000) AS rank3_bidders,
            count(distinct auction) AS total_auctions,
            count(distinct auction) filter (where price < 10000) AS rank1_auctions,
            count(distinct auction) filter (where price >= 10000 and price < 1000000) AS rank2_auctions,
            count(distinct auction) filter (where price >= 1000000) AS rank3_auctions
        FROM bid
        GROUP BY channel, DATE_FORMAT(`dateTime`, 'yyyy-MM-dd');
        """

    public static let q17 = """
        CREATE TABLE nexmark_q17 (
          auction BIGINT,
          `day` VARCHAR,
          total_bids BIGINT,
          rank1_bids BIGINT,
          rank2_bids BIGINT,
          rank3_bids BIGINT,
          min_price BIGINT,
          max_price BIGINT,
          avg_price BIGINT,
          sum_price BIGINT
        ) WITH (
          'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q17
        SELECT
             auction,
             DATE_FORMAT(`dateTime`, 'yyyy-MM-dd') as `day`,
             count(*) AS total_bids,
             count(*) filter (where price < 10000) AS rank1_bids,
             count(*) filter (where price >= 10000 and price < 1000000) AS rank2_bids,
             count(*) filter (where price >= 1000000) AS rank3_bids,
             min(price) AS min_price,
             max(price) AS max_price,
             avg(price) AS avg_price,
             sum(price) AS sum_price
        FROM bid
        GROUP BY auction, DATE_FORMAT(`dateTime`, 'yyyy-MM-dd');
        """

    public static let q18 = """
        CREATE TABLE nexmark_q18 (
            auction  BIGINT,
            bidder  BIGINT,
            price  BIGINT,
            channel  VARCHAR,
            url  VARCHAR,
            `dateTime`  TIMESTAMP(3),
            extra  VARCHAR
        ) WITH (
          'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q18
        SELECT auction, bidder, price, channel, url, `dateTime`, extra
         FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY `dateTime` DESC) AS rank_number
               FROM bid)
         WHERE rank_number <= 1;
        """

    public static let q19 = """
        CREATE TABLE nexmark_q19 (
            auction  BIGINT,
            bidder  BIGINT,
            price  BIGINT,
            channel  VARCHAR,
            url  VARCHAR,
            `dateTime`  TIMESTAMP(3),
            extra  VARCHAR,
            rank_number  BIGINT
        ) WITH (
          'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q19
        SELECT * FROM
        (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
        WHERE rank_number <= 10;
        """

    public static let q21 = """
        CREATE TABLE nexmark_q21 (
            auction  BIGINT,
            bidder  BIGINT,
            price  BIGINT,
            channel  VARCHAR,
            channel_id  VARCHAR
        ) WITH (
            'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q21
        SELECT
            auction, bidder, price, channel,
            CASE
                WHEN lower(channel) = 'apple' THEN '0'
                WHEN lower(channel) = 'google' THEN '1'
                WHEN lower(channel) = 'facebook' THEN '2'
                WHEN lower(channel) = 'baidu' THEN '3'
                ELSE REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2)
                END
            AS channel_id FROM bid
            where REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) is not null or
                  lower(channel) in ('apple', 'google', 'facebook', 'baidu');
        """

    public static let q22 = """
        CREATE TABLE nexmark_q22 (
              auction  BIGINT,
              bidder  BIGINT,
              price  BIGINT,
              channel  VARCHAR,
              dir1  VARCHAR,
              dir2  VARCHAR,
              dir3  VARCHAR
        ) WITH (
            'connector' = 'blackhole'
        );

        INSERT INTO nexmark_q22
        SELECT
            auction, bidder, price, channel,
            SPLIT_INDEX(url, '/', 3) as dir1,
            SPLIT_INDEX(url, '/', 4) as dir2,
            SPLIT_INDEX(url, '/', 5) as dir3 FROM bid;
        """

    /// The queries of the SQL scope by name.
    public static let queries: [String: String] = [
        "q0": q0, "q1": q1, "q2": q2, "q11": q11, "q12": q12, "q15": q15, "q16": q16, "q17": q17, "q18": q18, "q19": q19,
        "q21": q21, "q22": q22,
    ]

    /// The placeholders filled: the generator table `datagen` of `events` events at `rate` per second of event time.
    public static func fill(_ text: String, events: Int64 = 100_000_000, rate: Int64 = 10_000_000) -> String {
        var text = text
        for (placeholder, value) in [
            ("${NEXMARK_TABLE}", "datagen"), ("${TPS}", String(rate)), ("${EVENTS_NUM}", String(events)),
            ("${PERSON_PROPORTION}", "1"), ("${AUCTION_PROPORTION}", "3"), ("${BID_PROPORTION}", "46"),
        ] {
            text = text.replacingOccurrences(of: placeholder, with: value)
        }
        return text
    }

    /// The whole script of a query: the generator table, the views, then the query (its sink
    /// table and INSERT), filled for `events` events.
    public static func script(_ query: String, events: Int64, rate: Int64 = 10_000_000) -> String? {
        guard let text = queries[query] else { return nil }
        return fill(ddlGenerator + "\n" + ddlViews + "\n" + text, events: events, rate: rate)
    }
}
