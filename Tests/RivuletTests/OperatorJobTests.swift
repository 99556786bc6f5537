// Job-level tests of the DataStream operators: process functions, timers, connect, union, side outputs.

import XCTest
import Rivulet
import RivuletCore
import RivuletExamples

/// Emits the running sum per key and, at the key's event-time timer, a summary line.
struct SumWithTimer: KeyedProcessFunction {
    typealias Key = String
    typealias Input = Event
    typealias Output = String
    var sum: ValueState<Int>?
    var seen: ListState<Int64>?

    mutating func open(_ context: KeyedRuntimeContext<String>) throws {
        sum = try context.valueState(ValueStateDescriptor<Int>("sum"))
        seen = try context.listState(ListStateDescriptor<Int64>("seen"))
    }

    mutating func processElement(_ e: Event, _ ctx: KeyedContext<String>, _ out: Collector<String>) throws {
        guard let sum, let seen else { return }
        try sum.update((try sum.value() ?? 0) + e.value)
        try seen.add(e.timestamp)
        try ctx.registerEventTimeTimer(100)
    }

    mutating func onTimer(_ timestamp: Int64, _ ctx: KeyedContext<String>, _ out: Collector<String>) throws {
        guard let sum, let seen else { return }
        try out.collect("\(try ctx.currentKey) sum=\(try sum.value() ?? 0) at=\(timestamp) seen=\(try seen.get().sorted())")
    }
}

/// Routes odd numbers to a side output.
struct SplitOdd: ProcessFunction {
    static let odd = OutputTag<String>("odd")
    func processElement(_ value: Int, _ ctx: ProcessContext, _ out: Collector<Int>) throws {
        if value % 2 == 0 { try out.collect(value) } else { try ctx.output(Self.odd, "odd \(value)") }
    }
}

/// Joins names (input 1) with scores (input 2) per id, whichever arrives first.
struct JoinNames: KeyedCoProcessFunction {
    typealias Key = Int
    typealias Input1 = Event
    typealias Input2 = Event
    typealias Output = String
    var name: ValueState<String>?
    var score: ValueState<Int>?

    mutating func open(_ context: KeyedRuntimeContext<Int>) throws {
        name = try context.valueState(ValueStateDescriptor<String>("name"))
        score = try context.valueState(ValueStateDescriptor<Int>("score"))
    }
    mutating func processElement1(_ e: Event, _ ctx: KeyedContext<Int>, _ out: Collector<String>) throws {
        guard let name, let score else { return }
        try name.update(e.key)
        if let s = try score.value() { try out.collect("\(e.key)=\(s)") }
    }
    mutating func processElement2(_ e: Event, _ ctx: KeyedContext<Int>, _ out: Collector<String>) throws {
        guard let name, let score else { return }
        try score.update(e.value)
        if let n = try name.value() { try out.collect("\(n)=\(e.value)") }
    }
}

/// Tags each element with the input it came from.
struct TagInputs: CoProcessFunction {
    func processElement1(_ value: Int, _ ctx: ProcessContext, _ out: Collector<String>) throws { try out.collect("L\(value)") }
    func processElement2(_ value: String, _ ctx: ProcessContext, _ out: Collector<String>) throws { try out.collect("R\(value)") }
}

final class OperatorJobTests: XCTestCase {
    func testKeyedProcessFunctionStateAndEventTimeTimers() throws {
        for p in [1, 4] {
            let env = try environment(parallelism: p)
            let out = CollectedValues<String>()
            env.fromCollection([
                Event(key: "x", timestamp: 1, value: 2), Event(key: "y", timestamp: 2, value: 5),
                Event(key: "x", timestamp: 3, value: 3),
            ])
            .assignTimestampsAndWatermarks(punctuated(delay: 0) { $0.timestamp })
            .keyBy { $0.key }
            .process { SumWithTimer() }
            .collect(into: out)
            try env.execute("timers")
            XCTAssertEqual(out.values.sorted(), ["x sum=5 at=100 seen=[1, 3]", "y sum=5 at=100 seen=[2]"], "parallelism \(p)")
        }
    }

    func testMapFilterFlatMapUnionRebalance() throws {
        let env = try environment(parallelism: 3)
        let out = CollectedValues<Int>()
        let a = env.fromSequence(1, 100).filter { $0 % 10 == 0 }.map { $0 * 2 }
        let b = env.fromCollection([1, 2]).flatMap { [$0, $0 * 1000] }
        a.union(b).rebalance().map { $0 + 1 }.setParallelism(2).collect(into: out)
        try env.execute("union")
        XCTAssertEqual(out.values.sorted(), [2, 3, 21, 41, 61, 81, 101, 121, 141, 161, 181, 201, 1001, 2001])
    }

    /// As in Flink, a KeyedStream takes map, filter and flatMap; they run on the
    /// hash-partitioned stream.
    func testStatelessOperatorsAfterKeyByRunOnTheHashPartitionedStream() throws {
        let env = try environment(parallelism: 3)
        let out = CollectedValues<String>()
        let keyed = env.fromSequence(1, 60).keyBy { $0 % 4 }
        keyed.map { "m\($0)" }.collect(into: out)
        keyed.filter { $0 > 55 }.map { "f\($0)" }.collect(into: out)
        keyed.flatMap { (v: Int, c: Collector<String>) in if v <= 2 { try c.collect("a\(v)"); try c.collect("b\(v)") } }.collect(into: out)
        let graph = try env.streamGraph(jobName: "keyed stateless").normalized()
        let intoKeyed = graph.edges.filter { $0.shape.source == 0 }.map(\.shape.partitioning)
        XCTAssertEqual(intoKeyed.count, 3)
        XCTAssertTrue(intoKeyed.allSatisfy { $0 == .hash }, "edges after keyBy: \(intoKeyed)")
        try env.execute("keyed stateless")
        let expected = (1...60).map { "m\($0)" } + (56...60).map { "f\($0)" } + ["a1", "b1", "a2", "b2"]
        XCTAssertEqual(out.values.sorted(), expected.sorted())
    }

    func testSideOutputsOfProcessFunction() throws {
        let env = try environment(parallelism: 2)
        let evens = CollectedValues<Int>()
        let odds = CollectedValues<String>()
        let split = env.fromSequence(1, 6).process { SplitOdd() }
        split.collect(into: evens)
        split.getSideOutput(SplitOdd.odd).setParallelism(1).collect(into: odds)
        try env.execute("side outputs")
        XCTAssertEqual(evens.values.sorted(), [2, 4, 6])
        XCTAssertEqual(odds.values.sorted(), ["odd 1", "odd 3", "odd 5"])
    }

    func testBroadcastSendsEveryRecordToEverySubtask() throws {
        let env = try environment(parallelism: 3)
        let out = CollectedValues<Int>()
        env.fromCollection([7, 8]).broadcast().map { $0 }.collect(into: out)
        try env.execute("broadcast")
        XCTAssertEqual(out.values.sorted(), [7, 7, 7, 8, 8, 8])
    }

    func testConnectWithCoProcessFunction() throws {
        let env = try environment()
        let out = CollectedValues<String>()
        env.fromCollection([1, 2]).connect(env.fromCollection(["a"])).process { TagInputs() }.collect(into: out)
        try env.execute("connect")
        XCTAssertEqual(out.values.sorted(), ["L1", "L2", "Ra"])
    }

    func testKeyedConnectSharesStateAcrossInputs() throws {
        let env = try environment(parallelism: 2)
        let out = CollectedValues<String>()
        let names = env.fromCollection([Event(key: "ann", timestamp: 0, value: 1), Event(key: "bob", timestamp: 0, value: 2)])
        let scores = env.fromCollection([Event(key: "", timestamp: 0, value: 1), Event(key: "", timestamp: 0, value: 2)])
            .map { Event(key: "", timestamp: 0, value: $0.value) }
        names.keyBy { $0.value }.connect(scores.keyBy { $0.value }).process { JoinNames() }.collect(into: out)
        try env.execute("keyed connect")
        XCTAssertEqual(out.values.sorted(), ["ann=1", "bob=2"])
    }

    func testReduceSumMinMaxPerKey() throws {
        let env = try environment(parallelism: 2)
        let sums = CollectedValues<Event>()
        let maxes = CollectedValues<Event>()
        let input = env.fromCollection([("a", 3), ("b", 1), ("a", 5), ("b", 7)].map { Event(key: $0.0, timestamp: 0, value: $0.1) })
        input.keyBy { $0.key }.sum(\.value).collect(into: sums)
        input.keyBy { $0.key }.maxBy(\.value).collect(into: maxes)
        try env.execute("aggregations")
        XCTAssertEqual(sums.values.map { "\($0.key)\($0.value)" }.sorted(), ["a3", "a8", "b1", "b8"])
        XCTAssertEqual(maxes.values.filter { $0.key == "a" }.map(\.value).sorted(), [3, 5])
    }

    func testUserFunctionErrorFailsJobNamingTheOperator() throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "boom at 42" } }
        let env = try environment(parallelism: 2)
        env.fromSequence(1, 1000).map { v -> Int in
            if v == 42 { throw Boom() }
            return v
        }.name("Exploding Map").discard()
        XCTAssertThrowsError(try env.execute("failing")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("Exploding Map"), text)
            XCTAssertTrue(text.contains("boom at 42"), text)
        }
    }

    func testDuplicateUIDIsRejectedBeforeRunning() throws {
        let env = try environment()
        env.fromSequence(1, 10).map { $0 }.uid("same").map { $0 }.uid("same").discard()
        XCTAssertThrowsError(try env.execute("dup")) { error in
            XCTAssertEqual(error as? JobGraphError, .duplicateUID(uid: "same", operators: ["Map", "Map"]))
        }
    }

    func testKeyedStateOnNonKeyedStreamFailsWithClearError() throws {
        struct UsesState: ProcessFunction {
            func processElement(_ value: Int, _ ctx: ProcessContext, _ out: Collector<Int>) throws {}
            mutating func open(_ context: RuntimeContext) throws {
                _ = try context.valueState(ValueStateDescriptor<Int>("counter"))
            }
        }
        let env = try environment()
        env.fromSequence(1, 10).process { UsesState() }.name("Stateful").discard()
        XCTAssertThrowsError(try env.execute("no keyBy")) { error in
            XCTAssertTrue("\(error)".contains("'counter'") && "\(error)".contains("Stateful") && "\(error)".contains("keyBy"), "\(error)")
        }
    }

    func testSocketSourceReadsLinesFromRealTCPServer() throws {
        let server = try LineServer(lines: ["hello world", "hello rivulet"])
        let env = try environment()
        let out = CollectedValues<String>()
        env.socketTextStream(host: "127.0.0.1", port: server.port)
            .flatMap { Tokenizer.words($0) }
            .collect(into: out)
        try env.execute("socket")
        XCTAssertEqual(out.values.sorted(), ["hello", "hello", "rivulet", "world"])
    }

    func testSocketSourceWithNothingListeningFailsNamingAddress() throws {
        let port = try LineServer.unusedPort()
        let env = try environment()
        env.socketTextStream(host: "127.0.0.1", port: port).discard()
        XCTAssertThrowsError(try env.execute("socket")) { error in
            XCTAssertTrue("\(error)".contains("127.0.0.1:\(port)"), "\(error)")
        }
    }
}

/// A one-shot TCP server on 127.0.0.1 that sends lines to its first client, then closes.
final class LineServer: Sendable {
    let port: Int
    let fd: Int32

    init(lines: [String]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: addr.sin_port))
        let listener = fd
        let payload = lines.map { $0 + "\n" }.joined()
        Thread.detachNewThread {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            _ = payload.withCString { send(client, $0, strlen($0), 0) }
            close(client)
            close(listener)
        }
    }

    /// A port nothing listens on (bound, then released).
    static func unusedPort() throws -> Int {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) == 0 && getsockname(s, $0, &len) == 0 }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
