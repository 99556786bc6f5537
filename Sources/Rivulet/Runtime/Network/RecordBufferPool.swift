// Record arrays handed back from a consumer task to the producer that filled them.

import Synchronization

/// The emptied record arrays of one producer-to-consumer channel. A batch's storage is
/// allocated by the producer's thread and used up on the consumer's; without the pool every
/// batch was a fresh allocation freed on another thread, and with many tasks those frees
/// contended for the producers' allocator arenas. Holds at most `limit` arrays (a channel has
/// at most its credits in flight), so a pool never grows past what one channel buffers.
public final class RecordBufferPool<T: Sendable>: Sendable {
    let free: Mutex<[[StreamRecord<T>]]>
    let limit: Int
    /// Records an array is reserved for.
    public let capacity: Int

    public init(capacity: Int, limit: Int) {
        self.capacity = capacity
        self.limit = limit
        free = Mutex([])
    }

    /// An empty array with room for `capacity` records: a recycled one when there is one.
    @inlinable
    public func take() -> [StreamRecord<T>] {
        if let recycled = takeRecycled() { return recycled }
        var fresh: [StreamRecord<T>] = []
        fresh.reserveCapacity(capacity)
        return fresh
    }

    @usableFromInline
    func takeRecycled() -> [StreamRecord<T>]? {
        free.withLock { $0.popLast() }
    }

    /// Takes back a batch's array: emptied here (on the consumer's thread, which releases the
    /// records), kept when it is uniquely owned and the pool has room.
    public func give(_ records: inout [StreamRecord<T>]) {
        records.removeAll(keepingCapacity: true)
        guard records.capacity >= capacity else { return }
        let array = records
        records = []
        free.withLock { if $0.count < limit { $0.append(array) } }
    }
}
