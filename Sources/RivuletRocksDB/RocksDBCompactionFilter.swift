// A Swift predicate as a RocksDB compaction filter: entries it matches are dropped when compacted.

import CRocksDB

/// Decides, for one entry met by a compaction, whether it is dropped (true) or kept. Called on
/// RocksDB's background compaction threads, so it must be `Sendable` and must not block.
public typealias RocksDBCompactionPredicate = @Sendable (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Bool

/// Owns a `rocksdb_compactionfilter_t` that calls a Swift predicate. The C filter holds a
/// retained reference to the predicate's box, released by its destructor.
final class RocksDBCompactionFilter {
    /// The predicate, reached from the C callback through the filter's state pointer.
    final class Box: Sendable {
        let shouldDrop: RocksDBCompactionPredicate
        init(_ shouldDrop: @escaping RocksDBCompactionPredicate) { self.shouldDrop = shouldDrop }
    }

    let pointer: OpaquePointer

    init(_ shouldDrop: @escaping RocksDBCompactionPredicate) {
        let state = Unmanaged.passRetained(Box(shouldDrop)).toOpaque()
        pointer = rocksdb_compactionfilter_create(
            state,
            { state in
                guard let state else { return }
                Unmanaged<Box>.fromOpaque(state).release()
            },
            { state, _, key, keyLength, value, valueLength, _, _, changed in
                guard let state else { return 0 }
                changed?.pointee = 0
                let box = Unmanaged<Box>.fromOpaque(state).takeUnretainedValue()
                let drop = box.shouldDrop(
                    UnsafeRawBufferPointer(start: key, count: keyLength), UnsafeRawBufferPointer(start: value, count: valueLength))
                return drop ? 1 : 0
            },
            { _ in
                // A string literal's storage is static and NUL-terminated.
                UnsafeRawPointer(("rivulet.compaction-predicate" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
            })
    }

    /// Destroys the filter; only after the database using it is closed.
    func destroy() {
        rocksdb_compactionfilter_destroy(pointer)
    }
}
