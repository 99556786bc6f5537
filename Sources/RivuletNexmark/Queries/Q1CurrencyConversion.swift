// q1: bid prices converted from dollars to euros.

import Rivulet

/// A bid with its price in euros, kept exact as thousandths (`price * 0.908` is a DECIMAL in
/// Flink SQL).
public struct EuroBid: NexmarkRow, Hashable {
    public var auction: Int64
    public var bidder: Int64
    /// The price in thousandths of a euro (`price * 908`).
    public var priceThousandths: Int64
    public var dateTime: Int64
    public var extra: String

    public var csvRow: String {
        "\(auction),\(bidder),\(NexmarkQueries.decimal(priceThousandths, scale: 3)),\(NexmarkTime.format(dateTime)),\(extra)"
    }
}

extension NexmarkQueries {
    /// `SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid`.
    public static func currencyConversion(_ bids: DataStream<Bid>) -> DataStream<EuroBid> {
        bids.map { EuroBid(auction: $0.auction, bidder: $0.bidder, priceThousandths: $0.price * 908, dateTime: $0.dateTime, extra: $0.extra) }
            .name("Currency Conversion")
    }

    /// `value / 10^scale` written as a decimal with `scale` digits after the point.
    public static func decimal(_ value: Int64, scale: Int) -> String {
        var unit: Int64 = 1
        for _ in 0..<scale { unit *= 10 }
        let fraction = String(value.magnitude % UInt64(unit))
        return (value < 0 ? "-" : "") + String(value.magnitude / UInt64(unit)) + "."
            + String(repeating: "0", count: scale - fraction.count) + fraction
    }
}
