// A fast in-process hash of byte strings for the engine's hash maps (not a key-group hash).

/// Hashes bytes for in-memory lookups: multiply-and-fold over 8-byte words, with the short
/// lengths of typical keys read in at most two overlapping loads. Not stable across versions
/// and never persisted; key groups use `MurmurHash3`.
public enum StateHashing {
    /// SplitMix64's finalizer: a bijection of 64-bit words.
    @inlinable @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The hash of `bytes`: the length, then each 8-byte word mixed in; the last 1 to 8 bytes
    /// as one word (overlapping the one before). Up to 8 bytes are packed into a word without
    /// loss, so equal-length short keys never collide.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        var h = 0x2D35_8DCC_AA6C_78A5 &+ UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        while n - i > 8 {
            h = mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        let last: UInt64
        if n >= 8 {
            last = bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            last =
                UInt64(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
                | UInt64(bytes.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
        } else if n > 0 {
            last = UInt64(bytes[0]) | UInt64(bytes[n >> 1]) << 8 | UInt64(bytes[n - 1]) << 16
        } else {
            last = 0
        }
        return mix(h ^ last)
    }
}
