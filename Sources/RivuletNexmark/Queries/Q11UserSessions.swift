// q11: bids per bidder per session of activity.

import Rivulet
import RivuletCore

/// A q11 result row.
public struct UserSession: NexmarkRow, Hashable {
    public var bidder: Int64
    public var bidCount: Int64
    public var start: Int64
    public var end: Int64

    public var csvRow: String { "\(bidder),\(bidCount),\(NexmarkTime.format(start)),\(NexmarkTime.format(end))" }
}

/// Labels a session's count with its bidder and bounds.
struct LabelSession: ProcessWindowFunction {
    func process(key: Int64, context: WindowContext<TimeWindow>, elements: [Int], out: Collector<UserSession>) throws {
        for count in elements {
            try out.collect(UserSession(bidder: key, bidCount: Int64(count), start: context.window.start, end: context.window.end))
        }
    }
}

extension NexmarkQueries {
    /// The inactivity gap that ends a q11 session.
    public static let sessionGap: Duration = .seconds(10)

    /// ```sql
    /// SELECT B.bidder, count(*) AS bid_count,
    ///        SESSION_START(B.dateTime, INTERVAL '10' SECOND) AS starttime,
    ///        SESSION_END(B.dateTime, INTERVAL '10' SECOND) AS endtime
    /// FROM bid B
    /// GROUP BY B.bidder, SESSION(B.dateTime, INTERVAL '10' SECOND)
    /// ```
    public static func userSessions(_ bids: DataStream<Bid>) throws -> DataStream<UserSession> {
        try bids.keyBy { $0.bidder }
            .window(EventTimeSessionWindows.withGap(sessionGap))
            .aggregate(CountAggregate<Bid>(), LabelSession())
            .name("Sessions per Bidder")
    }
}
