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
/// credits in flight), so a pool never grows past what one channel buffers. The most recently
/// returned array is handed out first (it is the one still in the cache); the records of the
/// others are released at the same time, so a pool holds the records of at most the batches
/// returned since the producer last took one (an idle channel keeps those until it sends again).
@usableFromInline package final class RecordBufferPool<T: Sendable>: Sendable {
    let free: Mutex<[[StreamRecord<T>]]>
    let limit: Int
    /// Records an array is reserved for.
    @usableFromInline package let capacity: Int

    @usableFromInline package init(capacity: Int, limit: Int) {
        self.capacity = capacity
        self.limit = limit
        free = Mutex([])
    }

    /// An empty array with room for `capacity` records: the last recycled one when there is
    /// one; every pooled array is emptied here, on the producer's thread.
    @inlinable
    package func take() -> [StreamRecord<T>] {
        if var recycled = takeRecycled() {
            recycled.removeAll(keepingCapacity: true)
            return recycled
        }
        var fresh: [StreamRecord<T>] = []
        fresh.reserveCapacity(capacity)
        return fresh
    }

    /// The last array returned; the others come back emptied (their records released outside
    /// the lock, on this thread).
    @usableFromInline
    func takeRecycled() -> [StreamRecord<T>]? {
        var others = free.withLock { pool -> [[StreamRecord<T>]] in
            guard pool.count > 1 || pool.first?.isEmpty == false else { return [] }
            let all = pool
            pool.removeAll(keepingCapacity: true)
            return all
        }
        if others.isEmpty { return free.withLock { $0.popLast() } }
        let last = others.removeLast()
        for i in others.indices { others[i].removeAll(keepingCapacity: true) }
        if !others.isEmpty {
            free.withLock { pool in
                for array in others where pool.count < limit { pool.append(array) }
            }
        }
        return last
    }

    /// Takes back a batch's array with its records (the producer releases them when it takes
    /// the array), kept when it is large enough and the pool has room; otherwise it is dropped
    /// here.
    @usableFromInline package func give(_ records: inout [StreamRecord<T>]) {
        guard records.capacity >= capacity else {
            records = []
            return
        }
        let array = records
        records = []
        free.withLock { if $0.count < limit { $0.append(array) } }
    }
}
