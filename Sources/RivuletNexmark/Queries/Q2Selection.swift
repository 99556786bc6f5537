// q2: the bids on a few auctions.

import Rivulet

/// An auction id and a price.
public struct AuctionPrice: NexmarkRow, Hashable {
    public var auction: Int64
    public var price: Int64

    public var csvRow: String { "\(auction),\(price)" }
}

extension NexmarkQueries {
    /// `SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0`.
    public static func selection(_ bids: DataStream<Bid>) -> DataStream<AuctionPrice> {
        bids.filter { $0.auction % 123 == 0 }.name("Selection")
            .map { AuctionPrice(auction: $0.auction, price: $0.price) }.name("Projection")
    }
}
