// Record arrays handed back from a consumer task to the producer that filled them.

import Synchronization

/// The used record arrays of one producer-to-consumer channel. A batch's storage is
/// allocated by the producer's thread and used up on the consumer's; without the pool every
/// batch was a fresh allocation freed on another thread, and with many tasks those frees
/// contended for the producers' allocator arenas. The records themselves go back too, and the
/// producer releases them when it takes the array again: what a record owns (a string's
/// storage) was allocated on the producer's thread and is freed there, not on the consumer's,
/// where each free took the lock of the producer's arena (a tenth of the time of a Nexmark
/// query whose bids cross a `keyBy`). Holds at most `limit` arrays (a channel has at most its
/// credits in flight), so a pool never grows past what one channel buffers, and hands them out
/// oldest first, so every pooled array's records are released within `limit` batches (an idle
/// channel keeps its last batches' records until it sends again).
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

    /// An empty array with room for `capacity` records: a recycled one when there is one,
    /// emptied here, on the producer's thread.
    @inlinable
    public func take() -> [StreamRecord<T>] {
        if var recycled = takeRecycled() {
            recycled.removeAll(keepingCapacity: true)
            return recycled
        }
        var fresh: [StreamRecord<T>] = []
        fresh.reserveCapacity(capacity)
        return fresh
    }

    @usableFromInline
    func takeRecycled() -> [StreamRecord<T>]? {
        free.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }

    /// Takes back a batch's array with its records (the producer releases them when it takes
    /// the array), kept when it is large enough and the pool has room; otherwise it is dropped
    /// here.
    public func give(_ records: inout [StreamRecord<T>]) {
        guard records.capacity >= capacity else {
            records = []
            return
        }
        let array = records
        records = []
        free.withLock { if $0.count < limit { $0.append(array) } }
    }
}
