// Zeroed memory for the slots of the engine's hash maps: large tables on huge pages.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Allocates and frees the slot arrays of `StateHashMap`. Memory comes zeroed (an all-zero
/// slot is empty). Tables of `hugePageThreshold` bytes or more are mapped directly and, on
/// Linux, advised onto transparent huge pages: a lookup in a table of millions of keys then
/// misses the TLB far less often (one 2 MiB page covers what 512 small pages did), and the
/// kernel's zero pages replace a pass that wrote every slot. Smaller tables use the allocator.
public enum SlotMemory {
    /// From this size on a table gets its own mapping.
    public static let hugePageThreshold = 2 << 20

    /// `byteCount` zeroed bytes aligned to `alignment` (at most a page).
    public static func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        if byteCount >= hugePageThreshold {
            // As `allocate` does when memory runs out: there is no table to fall back to.
            guard let mapped = map(byteCount) else { fatalError("out of memory: no \(byteCount) bytes for a state table") }
            return mapped
        }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: alignment)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        return memory
    }

    /// Frees memory `allocate(byteCount:alignment:)` returned for the same `byteCount`.
    public static func deallocate(_ memory: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= hugePageThreshold {
            munmap(memory, byteCount)
        } else {
            memory.deallocate()
        }
    }

    static func map(_ byteCount: Int) -> UnsafeMutableRawPointer? {
        let memory = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let memory, memory != MAP_FAILED else { return nil }
        #if os(Linux)
        // Only advice: where huge pages are off the mapping stays on small pages.
        _ = madvise(memory, byteCount, MADV_HUGEPAGE)
        #endif
        return memory
    }
}
