// Maps keys to key groups and key groups to the subtasks that own them.

/// Key-group arithmetic: key -> key group (murmur3 of the key bytes modulo max parallelism) and
/// key group -> subtask, where subtask `i` of `p` owns `[i*maxP/p, (i+1)*maxP/p)`.
public enum KeyGroupRangeAssignment {
    /// The max parallelism used when the job does not set one.
    public static let defaultMaxParallelism = 128
    /// The largest supported max parallelism (number of key groups).
    public static let upperBoundMaxParallelism = 32768

    /// The key group of a key whose hash is `hash`.
    @inlinable
    public static func keyGroup(forHash hash: UInt32, maxParallelism: Int) -> Int {
        Int(hash % UInt32(truncatingIfNeeded: maxParallelism))
    }

    /// The key group of `key`: murmur3 of its serialized bytes modulo `maxParallelism`.
    @inlinable
    public static func keyGroup<K: BinaryCodable>(for key: K, maxParallelism: Int) -> Int {
        keyGroup(forHash: key.keyHash(), maxParallelism: maxParallelism)
    }

    /// The key groups subtask `operatorIndex` of `parallelism` owns:
    /// `[i*maxP/p, (i+1)*maxP/p)`.
    @inlinable
    public static func range(maxParallelism: Int, parallelism: Int, operatorIndex: Int) -> KeyGroupRange {
        KeyGroupRange(
            startKeyGroup: operatorIndex * maxParallelism / parallelism,
            endKeyGroup: (operatorIndex + 1) * maxParallelism / parallelism)
    }

    /// The subtask whose range contains `keyGroup`, in O(1).
    ///
    /// With `M = maxParallelism`, `i` owns `k` iff `floor(i*M/p) <= k < floor((i+1)*M/p)`, i.e.
    /// `i*M < (k+1)*p <= (i+1)*M`, so `i = ceil((k+1)*p/M) - 1 = ((k+1)*p - 1) / M`.
    @inlinable
    public static func operatorIndex(forKeyGroup keyGroup: Int, maxParallelism: Int, parallelism: Int) -> Int {
        ((keyGroup + 1) * parallelism - 1) / maxParallelism
    }

    /// The subtask that owns `key`.
    @inlinable
    public static func operatorIndex<K: BinaryCodable>(for key: K, maxParallelism: Int, parallelism: Int) -> Int {
        operatorIndex(
            forKeyGroup: keyGroup(for: key, maxParallelism: maxParallelism),
            maxParallelism: maxParallelism, parallelism: parallelism)
    }

    /// Throws unless `1 <= parallelism <= maxParallelism <= upperBoundMaxParallelism`.
    public static func validate(parallelism: Int, maxParallelism: Int) throws {
        guard parallelism >= 1 else { throw KeyGroupError.invalidParallelism(parallelism: parallelism) }
        guard maxParallelism >= 1, maxParallelism <= upperBoundMaxParallelism else {
            throw KeyGroupError.invalidMaxParallelism(
                maxParallelism: maxParallelism,
                upperBound: upperBoundMaxParallelism)
        }
        guard parallelism <= maxParallelism else {
            throw KeyGroupError.parallelismExceedsMaxParallelism(
                parallelism: parallelism,
                maxParallelism: maxParallelism)
        }
    }

    /// Flink's default max parallelism for an operator of `parallelism`:
    /// `p + p/2` rounded up to a power of two, clamped to `[128, 32768]`.
    public static func computeDefaultMaxParallelism(operatorParallelism parallelism: Int) -> Int {
        let target = max(1, parallelism + parallelism / 2)
        var power = 1
        while power < target && power < upperBoundMaxParallelism { power <<= 1 }
        return min(max(power, defaultMaxParallelism), upperBoundMaxParallelism)
    }
}
