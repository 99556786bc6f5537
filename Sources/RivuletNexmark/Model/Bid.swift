// A bid on an auction: the most frequent Nexmark event (46 of every 50).

import RivuletCore

/// A bid (Nexmark's `bid` table). Times are epoch milliseconds.
public struct Bid: Sendable, Hashable, BinaryCodable, NexmarkRow {
    public var auction: Int64
    public var bidder: Int64
    public var price: Int64
    public var channel: String
    public var url: String
    public var dateTime: Int64
    public var extra: String

    public init(auction: Int64, bidder: Int64, price: Int64, channel: String, url: String, dateTime: Int64, extra: String) {
        self.auction = auction
        self.bidder = bidder
        self.price = price
        self.channel = channel
        self.url = url
        self.dateTime = dateTime
        self.extra = extra
    }

    /// Reads a row of `bids.csv`: auction, bidder, price, channel, url, dateTime, extra
    /// (without `text`, channel, url and extra are checked but left empty).
    @inlinable
    public init(csv line: UnsafeBufferPointer<UInt8>, text: Bool = true) throws {
        var f = CSVFields(line, table: "bid")
        auction = try f.int64("auction")
        bidder = try f.int64("bidder")
        price = try f.int64("price")
        channel = try f.string("channel", keep: text)
        url = try f.string("url", keep: text)
        dateTime = try f.timestamp("dateTime")
        extra = try f.string("extra", last: true, keep: text)
    }

    /// The row of `bids.csv` this bid is.
    public var csvRow: String {
        "\(auction),\(bidder),\(price),\(channel),\(url),\(NexmarkTime.format(dateTime)),\(extra)"
    }

    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(auction)
        writer.writeInt64(bidder)
        writer.writeInt64(price)
        writer.writeString(channel)
        writer.writeString(url)
        writer.writeInt64(dateTime)
        writer.writeString(extra)
    }

    public init(from reader: inout BinaryReader) throws {
        auction = try reader.readInt64()
        bidder = try reader.readInt64()
        price = try reader.readInt64()
        channel = try reader.readString()
        url = try reader.readString()
        dateTime = try reader.readInt64()
        extra = try reader.readString()
    }
}
