// A seeded, optionally rate-limited and optionally unbounded generator of records.

import RivuletCore

/// A small, fast, seedable random generator (SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    @inlinable
    public init(seed: UInt64) {
        state = seed
    }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates record `i` from its index and a generator seeded by (seed, i), so the data does
/// not depend on parallelism: subtask s makes the indices s, s+p, s+2p, ...
public struct DataGeneratorSource<T: Sendable>: Source {
    /// Number of records, or nil for an unbounded stream.
    public let count: Int64?
    /// Records per second over all subtasks, or nil for as fast as possible.
    public let recordsPerSecond: Double?
    public let seed: UInt64
    public let generate: @Sendable (Int64, inout SplitMix64) -> T

    public init(
        count: Int64?, recordsPerSecond: Double? = nil, seed: UInt64 = 42,
        generate: @escaping @Sendable (Int64, inout SplitMix64) -> T
    ) {
        self.count = count
        self.recordsPerSecond = recordsPerSecond
        self.seed = seed
        self.generate = generate
    }

    public func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader {
        if let r = recordsPerSecond, !(r > 0) {
            throw ConnectorError("data generator rate must be positive, got \(r)")
        }
        return Reader(
            source: self, next: Int64(subtaskIndex), step: Int64(parallelism),
            rate: recordsPerSecond.map { $0 / Double(parallelism) })
    }

    /// Generates this subtask's indices.
    public struct Reader: SourceReader {
        @usableFromInline let source: DataGeneratorSource<T>
        /// The next index to generate (its position, for checkpoints).
        public var next: Int64
        @usableFromInline var step: Int64
        @usableFromInline let rate: Double?
        /// Strides to generate after the current one (given at a restore).
        @usableFromInline var queued: [StrideSplit] = []

        init(source: DataGeneratorSource<T>, next: Int64, step: Int64, rate: Double?) {
            self.source = source
            self.next = next
            self.step = step
            self.rate = rate
        }

        public func currentSplits() -> [StrideSplit]? {
            ([StrideSplit(next: next, step: step, end: source.count)] + queued).filter { !$0.isFinished }
        }

        public mutating func restore(splits: [StrideSplit]) throws {
            queued = splits
            next = source.count ?? 0
            step = 1
            if source.count == nil, let first = queued.first {
                queued.removeFirst()
                next = first.next
                step = first.step
            }
        }
        @usableFromInline var startedAt: Int64 = 0
        @usableFromInline var emitted: Int64 = 0

        public mutating func open(_ context: OperatorContext) throws {
            startedAt = SystemClock.nowMillis()
        }

        @inlinable
        public mutating func pollNext(_ emit: (T, Int64) throws -> Void) throws -> SourcePollResult {
            var budget = Int64(sourceRecordsPerPoll)
            if let rate {
                let now = SystemClock.nowMillis()
                let allowed = Int64(Double(now - startedAt) * rate / 1000) - emitted
                if allowed <= 0 {
                    let wait = Int64((Double(emitted + 1) * 1000 / rate).rounded(.up))
                    return .nothingAvailable(retryAt: startedAt + wait)
                }
                budget = min(budget, allowed)
            }
            var limit = source.count ?? Int64.max
            while next >= limit, !queued.isEmpty {
                let split = queued.removeFirst()
                next = split.next
                step = split.step
                limit = min(split.end ?? Int64.max, limit)
            }
            while budget > 0 && next < limit {
                var rng = SplitMix64(seed: source.seed ^ (UInt64(bitPattern: next) &* 0x9E37_79B9_7F4A_7C15))
                try emit(source.generate(next, &rng), Int64.min)
                next += step
                emitted += 1
                budget -= 1
            }
            return next < limit || !queued.isEmpty ? .moreAvailable : .endOfInput
        }
    }
}
