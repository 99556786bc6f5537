// q4: the average closing price of auctions per category, as a changelog.

import Rivulet
import RivuletCore

/// A q4 result row: a category's average closing price so far (each change is a new row;
/// the last row of a category is its result).
public struct CategoryAverage: NexmarkRow, Hashable {
    public var category: Int64
    public var average: Int64

    public var csvRow: String { "\(category),\(average)" }
}

/// An auction's winning price changed from `previous` (-1: it had none) to `price`.
struct ClosingPriceChange: Sendable, BinaryCodable {
    var category: Int64
    var previous: Int64
    var price: Int64

    init(category: Int64, previous: Int64, price: Int64) {
        self.category = category
        self.previous = previous
        self.price = price
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(category)
        writer.writeInt64(previous)
        writer.writeInt64(price)
    }

    init(from reader: inout BinaryReader) throws {
        category = try reader.readInt64()
        previous = try reader.readInt64()
        price = try reader.readInt64()
    }
}

/// An open auction in the join: its category, when bids count, and its highest bid so far.
struct OpenAuction: Sendable, BinaryCodable {
    var category: Int64
    var start: Int64
    var expires: Int64
    /// The highest bid so far, -1 when none.
    var best: Int64

    init(category: Int64, start: Int64, expires: Int64, best: Int64) {
        self.category = category
        self.start = start
        self.expires = expires
        self.best = best
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(category)
        writer.writeInt64(start)
        writer.writeInt64(expires)
        writer.writeInt64(best)
    }

    init(from reader: inout BinaryReader) throws {
        category = try reader.readInt64()
        start = try reader.readInt64()
        expires = try reader.readInt64()
        best = try reader.readInt64()
    }
}

/// A bid's price and time, kept while its auction has not arrived.
struct EarlyBid: Sendable, BinaryCodable {
    var price: Int64
    var dateTime: Int64

    init(price: Int64, dateTime: Int64) {
        self.price = price
        self.dateTime = dateTime
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(price)
        writer.writeInt64(dateTime)
    }

    init(from reader: inout BinaryReader) throws {
        price = try reader.readInt64()
        dateTime = try reader.readInt64()
    }
}

/// The join of auctions and their bids (`A.id = B.auction AND B.dateTime BETWEEN A.dateTime
/// AND A.expires`), keyed by auction id, with the maximum price per auction: emits each rise
/// of an auction's highest valid bid.
///
/// State is dropped when event time makes further matches impossible, which gives the same
/// result as Flink's unbounded join on in-order input: an auction once the watermark passes
/// its expiry (a later bid is out of its range), and a bid that arrived before its auction
/// once the watermark passes the bid's time (an auction that arrives later starts after it).
struct ClosingPrice: KeyedCoProcessFunction {
    typealias Key = Int64
    typealias Input1 = Auction
    typealias Input2 = Bid
    typealias Output = ClosingPriceChange

    var auction: ValueState<OpenAuction>?
    var early: ListState<EarlyBid>?

    mutating func open(_ context: KeyedRuntimeContext<Int64>) throws {
        auction = try context.valueState(ValueStateDescriptor<OpenAuction>("auction"))
        early = try context.listState(ListStateDescriptor<EarlyBid>("early-bids"))
    }

    mutating func processElement1(_ a: Auction, _ context: KeyedContext<Int64>, _ out: Collector<ClosingPriceChange>) throws {
        guard let auction, let early else { return }
        var open = OpenAuction(category: a.category, start: a.dateTime, expires: a.expires, best: -1)
        for bid in try early.get() where bid.dateTime >= a.dateTime && bid.dateTime <= a.expires {
            open.best = max(open.best, bid.price)
        }
        try early.clear()
        if open.best >= 0 { try out.collect(ClosingPriceChange(category: open.category, previous: -1, price: open.best)) }
        try auction.update(open)
        try context.registerEventTimeTimer(a.expires)
    }

    mutating func processElement2(_ bid: Bid, _ context: KeyedContext<Int64>, _ out: Collector<ClosingPriceChange>) throws {
        guard let auction, let early else { return }
        guard var open = try auction.value() else {
            if bid.dateTime > context.currentWatermark {
                try early.add(EarlyBid(price: bid.price, dateTime: bid.dateTime))
                try context.registerEventTimeTimer(bid.dateTime)
            }
            return
        }
        guard bid.dateTime >= open.start, bid.dateTime <= open.expires, bid.price > open.best else { return }
        try out.collect(ClosingPriceChange(category: open.category, previous: open.best, price: bid.price))
        open.best = bid.price
        try auction.update(open)
    }

    mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<Int64>, _ out: Collector<ClosingPriceChange>) throws {
        guard let auction, let early else { return }
        if let open = try auction.value(), timestamp >= open.expires { try auction.clear() }
        let waiting = try early.get()
        if !waiting.isEmpty {
            let kept = waiting.filter { $0.dateTime > timestamp }
            if kept.count != waiting.count { try early.update(kept) }
        }
    }
}

/// Sum and count of the closing prices of one category.
struct PriceSum: Sendable, BinaryCodable {
    var sum: Int64
    var count: Int64

    init(sum: Int64, count: Int64) {
        self.sum = sum
        self.count = count
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(sum)
        writer.writeInt64(count)
    }

    init(from reader: inout BinaryReader) throws {
        sum = try reader.readInt64()
        count = try reader.readInt64()
    }
}

/// `AVG(final) ... GROUP BY category` over a changelog of closing prices: a rise replaces
/// the auction's previous price in the sum. Flink's AVG of a BIGINT is a BIGINT (truncated).
struct AverageOfCategory: KeyedProcessFunction {
    typealias Key = Int64
    typealias Input = ClosingPriceChange
    typealias Output = CategoryAverage

    var total: ValueState<PriceSum>?

    mutating func open(_ context: KeyedRuntimeContext<Int64>) throws {
        total = try context.valueState(ValueStateDescriptor<PriceSum>("price-sum"))
    }

    mutating func processElement(_ change: ClosingPriceChange, _ context: KeyedContext<Int64>, _ out: Collector<CategoryAverage>) throws {
        guard let total else { return }
        var t = try total.value() ?? PriceSum(sum: 0, count: 0)
        if change.previous < 0 {
            t.count += 1
            t.sum += change.price
        } else {
            t.sum += change.price - change.previous
        }
        try total.update(t)
        try out.collect(CategoryAverage(category: change.category, average: t.sum / t.count))
    }
}

extension NexmarkQueries {
    /// ```sql
    /// SELECT Q.category, AVG(Q.final)
    /// FROM (SELECT MAX(B.price) AS final, A.category FROM auction A, bid B
    ///       WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
    ///       GROUP BY A.id, A.category) Q
    /// GROUP BY Q.category
    /// ```
    public static func averagePriceByCategory(auctions: DataStream<Auction>, bids: DataStream<Bid>) -> DataStream<CategoryAverage> {
        auctions.keyBy { $0.id }
            .connect(bids.keyBy { $0.auction })
            .process { ClosingPrice() }
            .name("Closing Price")
            .keyBy { $0.category }
            .process { AverageOfCategory() }
            .name("Average per Category")
    }
}
