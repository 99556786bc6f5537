// An auction: 3 of every 50 Nexmark events.

import RivuletCore

/// An auction (Nexmark's `auction` table). Times are epoch milliseconds.
public struct Auction: Sendable, Hashable, BinaryCodable, NexmarkRow {
    public var id: Int64
    public var itemName: String
    public var description: String
    public var initialBid: Int64
    public var reserve: Int64
    public var dateTime: Int64
    public var expires: Int64
    public var seller: Int64
    public var category: Int64
    public var extra: String

    public init(
        id: Int64, itemName: String, description: String, initialBid: Int64, reserve: Int64, dateTime: Int64, expires: Int64,
        seller: Int64, category: Int64, extra: String
    ) {
        self.id = id
        self.itemName = itemName
        self.description = description
        self.initialBid = initialBid
        self.reserve = reserve
        self.dateTime = dateTime
        self.expires = expires
        self.seller = seller
        self.category = category
        self.extra = extra
    }

    /// Reads a row of `auctions.csv`: id, itemName, description, initialBid, reserve,
    /// dateTime, expires, seller, category, extra (without `text`, itemName, description and
    /// extra are left empty).
    @inlinable
    public init(csv line: UnsafeBufferPointer<UInt8>, text: Bool = true) throws {
        var f = CSVFields(line, table: "auction")
        id = try f.int64("id")
        itemName = try f.string("itemName", keep: text)
        description = try f.string("description", keep: text)
        initialBid = try f.int64("initialBid")
        reserve = try f.int64("reserve")
        dateTime = try f.timestamp("dateTime")
        expires = try f.timestamp("expires")
        seller = try f.int64("seller")
        category = try f.int64("category")
        extra = try f.string("extra", last: true, keep: text)
    }

    /// The row of `auctions.csv` this auction is.
    public var csvRow: String {
        "\(id),\(itemName),\(description),\(initialBid),\(reserve),\(NexmarkTime.format(dateTime)),\(NexmarkTime.format(expires)),\(seller),\(category),\(extra)"
    }

    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(id)
        writer.writeString(itemName)
        writer.writeString(description)
        writer.writeInt64(initialBid)
        writer.writeInt64(reserve)
        writer.writeInt64(dateTime)
        writer.writeInt64(expires)
        writer.writeInt64(seller)
        writer.writeInt64(category)
        writer.writeString(extra)
    }

    public init(from reader: inout BinaryReader) throws {
        id = try reader.readInt64()
        itemName = try reader.readString()
        description = try reader.readString()
        initialBid = try reader.readInt64()
        reserve = try reader.readInt64()
        dateTime = try reader.readInt64()
        expires = try reader.readInt64()
        seller = try reader.readInt64()
        category = try reader.readInt64()
        extra = try reader.readString()
    }
}
