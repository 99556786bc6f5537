// MurmurHash3_x86_32, the hash that maps a key's serialized bytes to its key group.

/// MurmurHash3_x86_32 exactly as the reference implementation (blocks read little-endian),
/// plus allocation-free fast paths that give the same result as hashing the bytes.
public enum MurmurHash3 {
    @inlinable static var c1: UInt32 { 0xcc9e_2d51 }
    @inlinable static var c2: UInt32 { 0x1b87_3593 }

    /// Scrambles one 4-byte block before it is mixed into the state.
    @inlinable @inline(__always)
    static func scramble(_ k: UInt32) -> UInt32 {
        var k = k &* c1
        k = (k << 15) | (k >> 17)
        return k &* c2
    }

    /// Mixes one full, scrambled block into the state.
    @inlinable @inline(__always)
    static func mix(_ h: UInt32, _ k: UInt32) -> UInt32 {
        var h = h ^ scramble(k)
        h = (h << 13) | (h >> 19)
        return h &* 5 &+ 0xe654_6b64
    }

    /// The final avalanche, after the length has been mixed in.
    @inlinable @inline(__always)
    static func finalize(_ h: UInt32, length: Int) -> UInt32 {
        var h = h ^ UInt32(truncatingIfNeeded: length)
        h ^= h >> 16
        h = h &* 0x85eb_ca6b
        h ^= h >> 13
        h = h &* 0xc2b2_ae35
        h ^= h >> 16
        return h
    }

    /// MurmurHash3_x86_32 of `bytes`.
    @inlinable
    public static func hash32(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        var state = Incremental(seed: seed)
        state.combine(bytes)
        return state.finish()
    }

    /// MurmurHash3_x86_32 of `bytes`.
    @inlinable
    public static func hash32(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { hash32($0, seed: seed) }
    }

    /// The hash of the 8 big-endian bytes of `value`, without touching memory.
    @inlinable
    public static func hash32(bigEndian value: UInt64, seed: UInt32 = 0) -> UInt32 {
        // Bytes b0..b7 (b0 most significant); the first block read little-endian is b0|b1<<8|..,
        // which is the byte-swapped high half.
        var h = mix(seed, UInt32(truncatingIfNeeded: value >> 32).byteSwapped)
        h = mix(h, UInt32(truncatingIfNeeded: value).byteSwapped)
        return finalize(h, length: 8)
    }

    /// The hash of the 4 big-endian bytes of `value`.
    @inlinable
    public static func hash32(bigEndian value: UInt32, seed: UInt32 = 0) -> UInt32 {
        finalize(mix(seed, value.byteSwapped), length: 4)
    }

    /// The hash of the 2 big-endian bytes of `value`.
    @inlinable
    public static func hash32(bigEndian value: UInt16, seed: UInt32 = 0) -> UInt32 {
        // Tail of 2 bytes [hi, lo]: k = lo << 8 | hi.
        finalize(seed ^ scramble(UInt32(value.byteSwapped)), length: 2)
    }

    /// The hash of the single byte `value`.
    @inlinable
    public static func hash32(byte value: UInt8, seed: UInt32 = 0) -> UInt32 {
        finalize(seed ^ scramble(UInt32(value)), length: 1)
    }

    /// The hash of `varint(bytes.count)` followed by `bytes`, i.e. of a length-prefixed byte
    /// string as `BinaryWriter.writeString` writes it, without building the prefixed buffer.
    @inlinable
    public static func hash32(lengthPrefixed bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        let n = bytes.count
        if n >= 0x80 {
            var state = Incremental(seed: seed)
            var length = UInt64(n)
            while length >= 0x80 {
                state.combine(byte: UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            state.combine(byte: UInt8(truncatingIfNeeded: length))
            state.combine(bytes)
            return state.finish()
        }
        // Short input (the common key): the one-byte length and the bytes as one block stream,
        // read in whole blocks without the incremental state.
        var h = seed
        var word = UInt32(n)  // the length byte is the block's first (lowest) byte
        var filled = 1
        var i = 0
        while i < n {
            word |= UInt32(bytes[i]) << (UInt32(filled) &* 8)
            filled &+= 1
            i &+= 1
            if filled == 4 {
                h = mix(h, word)
                word = 0
                filled = 0
                while n &- i >= 4 {
                    h = mix(h, UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
                    i &+= 4
                }
            }
        }
        if filled > 0 { h ^= scramble(word) }
        return finalize(h, length: n &+ 1)
    }

    /// Streaming MurmurHash3_x86_32: feeding bytes in any split gives the one-shot hash.
    public struct Incremental: Sendable {
        @usableFromInline var h: UInt32
        @usableFromInline var tail: UInt32 = 0
        @usableFromInline var tailCount: Int = 0
        @usableFromInline var length: Int = 0

        /// Starts a hash with `seed`.
        @inlinable
        public init(seed: UInt32 = 0) { h = seed }

        /// Feeds one byte.
        @inlinable
        public mutating func combine(byte: UInt8) {
            tail |= UInt32(byte) << (UInt32(tailCount) &* 8)
            tailCount &+= 1
            length &+= 1
            if tailCount == 4 {
                h = MurmurHash3.mix(h, tail)
                tail = 0
                tailCount = 0
            }
        }

        /// Feeds a run of bytes, reading whole blocks directly once aligned to the block grid.
        @inlinable
        public mutating func combine(_ bytes: UnsafeRawBufferPointer) {
            var i = 0
            let n = bytes.count
            while tailCount != 0 && i < n {
                combine(byte: bytes[i])
                i &+= 1
            }
            let blockStart = i
            while n &- i >= 4 {
                let k = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                h = MurmurHash3.mix(h, k)
                i &+= 4
            }
            length &+= i &- blockStart
            while i < n {
                combine(byte: bytes[i])
                i &+= 1
            }
        }

        /// The hash of everything fed so far.
        @inlinable
        public func finish() -> UInt32 {
            var h = self.h
            if tailCount > 0 { h ^= MurmurHash3.scramble(tail) }
            return MurmurHash3.finalize(h, length: length)
        }
    }
}
