// q5: the auctions with the most bids in each sliding window.

import Rivulet
import RivuletCore

/// A q5 result row: an auction with the most bids of a window.
public struct HotItem: NexmarkRow, Hashable {
    public var auction: Int64
    public var count: Int64
    public var windowStart: Int64
    public var windowEnd: Int64

    public var csvRow: String { "\(auction),\(count),\(NexmarkTime.format(windowStart)),\(NexmarkTime.format(windowEnd))" }
}

/// The bid count of one auction in one window.
struct AuctionCount: Sendable, BinaryCodable {
    var auction: Int64
    var count: Int64
    var windowEnd: Int64

    init(auction: Int64, count: Int64, windowEnd: Int64) {
        self.auction = auction
        self.count = count
        self.windowEnd = windowEnd
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(auction)
        writer.writeInt64(count)
        writer.writeInt64(windowEnd)
    }

    init(from reader: inout BinaryReader) throws {
        auction = try reader.readInt64()
        count = try reader.readInt64()
        windowEnd = try reader.readInt64()
    }
}

/// Labels a window's count with its auction and window.
struct LabelAuctionCount: ProcessWindowFunction {
    func process(key: Int64, context: WindowContext<TimeWindow>, elements: [Int], out: Collector<AuctionCount>) throws {
        for count in elements { try out.collect(AuctionCount(auction: key, count: Int64(count), windowEnd: context.window.end)) }
    }
}

/// The highest count of a window so far and the auctions that have it.
struct Leaders: Sendable, BinaryCodable {
    var count: Int64
    var auctions: [Int64]

    init(count: Int64, auctions: [Int64]) {
        self.count = count
        self.auctions = auctions
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(count)
        auctions.encode(to: &writer)
    }

    init(from reader: inout BinaryReader) throws {
        count = try reader.readInt64()
        auctions = try [Int64](from: &reader)
    }
}

/// Keyed by window end: keeps the auctions with the highest count and emits them when the
/// watermark passes the window (`num >= maxn` in the query's join).
struct WindowLeaders: KeyedProcessFunction {
    typealias Key = Int64
    typealias Input = AuctionCount
    typealias Output = HotItem

    let size: Int64
    var leaders: ValueState<Leaders>?

    mutating func open(_ context: KeyedRuntimeContext<Int64>) throws {
        leaders = try context.valueState(ValueStateDescriptor<Leaders>("leaders"))
    }

    mutating func processElement(_ value: AuctionCount, _ context: KeyedContext<Int64>, _ out: Collector<HotItem>) throws {
        guard let leaders else { return }
        guard var current = try leaders.value() else {
            try leaders.update(Leaders(count: value.count, auctions: [value.auction]))
            try context.registerEventTimeTimer(value.windowEnd - 1)
            return
        }
        if value.count > current.count {
            current = Leaders(count: value.count, auctions: [value.auction])
        } else if value.count == current.count {
            current.auctions.append(value.auction)
        } else {
            return
        }
        try leaders.update(current)
    }

    mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<Int64>, _ out: Collector<HotItem>) throws {
        guard let leaders, let current = try leaders.value() else { return }
        let end = try context.currentKey
        for auction in current.auctions {
            try out.collect(HotItem(auction: auction, count: current.count, windowStart: end - size, windowEnd: end))
        }
        try leaders.clear()
    }
}

extension NexmarkQueries {
    /// The windows of q5: 10 s long, sliding by 2 s.
    public static let hotItemsWindow: (size: Duration, slide: Duration) = (.seconds(10), .seconds(2))

    /// ```sql
    /// SELECT AuctionBids.auction, AuctionBids.num
    /// FROM (SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
    ///       FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
    ///       GROUP BY auction, window_start, window_end) AS AuctionBids
    /// JOIN (SELECT max(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime
    ///       FROM (<the same counts>) AS CountBids
    ///       GROUP BY CountBids.starttime, CountBids.endtime) AS MaxBids
    /// ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime
    ///    AND AuctionBids.num >= MaxBids.maxn
    /// ```
    /// The rows also carry the window, which the query groups by.
    public static func hotItems(_ bids: DataStream<Bid>) throws -> DataStream<HotItem> {
        let window = hotItemsWindow
        return
            bids.keyBy { $0.auction }
            .window(try SlidingEventTimeWindows.of(size: window.size, slide: window.slide))
            .aggregate(CountAggregate<Bid>(), LabelAuctionCount())
            .name("Bids per Auction")
            .keyBy { $0.windowEnd }
            .process { WindowLeaders(size: window.size.milliseconds) }
            .name("Hottest per Window")
    }
}
