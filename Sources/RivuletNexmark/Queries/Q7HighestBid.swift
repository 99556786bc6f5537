// q7: the bids at the highest price of each tumbling window.

import Rivulet
import RivuletCore

/// A q7 result row.
public struct HighestBid: NexmarkRow, Hashable {
    public var auction: Int64
    public var price: Int64
    public var bidder: Int64
    public var dateTime: Int64
    public var extra: String

    public var csvRow: String { "\(auction),\(price),\(bidder),\(NexmarkTime.format(dateTime)),\(extra)" }
}

/// A bid routed to the window that starts at `windowStart`; `atEnd` when the bid lies
/// exactly at that window's end (it belongs to the next window, but the query's `BETWEEN`
/// includes the end).
struct WindowedBid: Sendable, BinaryCodable {
    var windowStart: Int64
    var atEnd: Bool
    var bid: Bid

    init(windowStart: Int64, atEnd: Bool, bid: Bid) {
        self.windowStart = windowStart
        self.atEnd = atEnd
        self.bid = bid
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(windowStart)
        writer.writeBool(atEnd)
        bid.encode(to: &writer)
    }

    init(from reader: inout BinaryReader) throws {
        windowStart = try reader.readInt64()
        atEnd = try reader.readBool()
        bid = try Bid(from: &reader)
    }
}

/// Keyed by window start: the highest price of the window's bids, the bids at that price,
/// and the bids at the window's end instant; emits the bids at the highest price when the
/// watermark passes the window's end. Only the price is read for a bid below the highest.
struct HighestBidOfWindow: KeyedProcessFunction {
    typealias Key = Int64
    typealias Input = WindowedBid
    typealias Output = HighestBid

    let size: Int64
    var highest: ValueState<Int64>?
    var leaders: ValueState<[Bid]>?
    var atEnd: ValueState<[Bid]>?

    mutating func open(_ context: KeyedRuntimeContext<Int64>) throws {
        highest = try context.valueState(ValueStateDescriptor<Int64>("highest-price"))
        leaders = try context.valueState(ValueStateDescriptor<[Bid]>("highest-bids"))
        atEnd = try context.valueState(ValueStateDescriptor<[Bid]>("bids-at-end"))
    }

    mutating func processElement(_ value: WindowedBid, _ context: KeyedContext<Int64>, _ out: Collector<HighestBid>) throws {
        guard let highest, let leaders, let atEnd else { return }
        let end = value.windowStart + size
        if value.atEnd {
            try atEnd.update((try atEnd.value() ?? []) + [value.bid])
            try context.registerEventTimeTimer(end)
            return
        }
        let price = value.bid.price
        if let top = try highest.value() {
            if price < top { return }
            try leaders.update(price == top ? (try leaders.value() ?? []) + [value.bid] : [value.bid])
        } else {
            try leaders.update([value.bid])
            try context.registerEventTimeTimer(end)
        }
        if try highest.value() != price { try highest.update(price) }
    }

    mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<Int64>, _ out: Collector<HighestBid>) throws {
        guard let highest, let leaders, let atEnd else { return }
        if let top = try highest.value() {
            for bid in (try leaders.value() ?? []) + (try atEnd.value() ?? []).filter({ $0.price == top }) {
                try out.collect(HighestBid(auction: bid.auction, price: bid.price, bidder: bid.bidder, dateTime: bid.dateTime, extra: bid.extra))
            }
        }
        try highest.clear()
        try leaders.clear()
        try atEnd.clear()
    }
}

extension NexmarkQueries {
    /// The tumbling window of q7.
    public static let highestBidWindow: Duration = .seconds(10)

    /// ```sql
    /// SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
    /// FROM bid B
    /// JOIN (SELECT MAX(price) AS maxprice, window_end AS dateTime
    ///       FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
    ///       GROUP BY window_start, window_end) B1
    /// ON B.price = B1.maxprice
    /// WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime
    /// ```
    /// Planned as one keyed step per window that keeps only the bids at the highest price,
    /// where Flink's plan keeps every bid in the join's state.
    public static func highestBid(_ bids: DataStream<Bid>) -> DataStream<HighestBid> {
        let size = highestBidWindow.milliseconds
        return
            bids.flatMap { (bid: Bid, out: Collector<WindowedBid>) in
                let start = bid.dateTime - ((bid.dateTime % size) + size) % size
                try out.collect(WindowedBid(windowStart: start, atEnd: false, bid: bid))
                if start == bid.dateTime { try out.collect(WindowedBid(windowStart: start - size, atEnd: true, bid: bid)) }
            }
            .name("Assign Window")
            .keyBy { $0.windowStart }
            .process { HighestBidOfWindow(size: size) }
            .name("Highest Bid per Window")
    }
}
