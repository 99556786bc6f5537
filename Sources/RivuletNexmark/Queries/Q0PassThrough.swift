// q0: every bid, unchanged (measures the source and the sink).

import Rivulet

extension NexmarkQueries {
    /// `SELECT auction, bidder, price, dateTime, extra FROM bid` (all columns kept).
    public static func passThrough(_ bids: DataStream<Bid>) -> DataStream<Bid> {
        bids
    }
}
