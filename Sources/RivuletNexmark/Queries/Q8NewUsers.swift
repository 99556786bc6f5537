// q8: the people who opened an auction in the same tumbling window as they registered.

import Rivulet
import RivuletCore

/// A q8 result row.
public struct NewUser: NexmarkRow, Hashable {
    public var id: Int64
    public var name: String
    public var windowStart: Int64

    public var csvRow: String { "\(id),\(name),\(NexmarkTime.format(windowStart))" }
}

/// One side of the window join, keyed by person id: a person registered, or sold something.
enum PersonActivity: Sendable, BinaryCodable {
    case registered(id: Int64, name: String)
    case sold(seller: Int64)

    var personID: Int64 {
        switch self {
        case .registered(let id, _): id
        case .sold(let seller): seller
        }
    }

    func encode(to writer: inout BinaryWriter) {
        switch self {
        case .registered(let id, let name):
            writer.writeUInt8(0)
            writer.writeInt64(id)
            writer.writeString(name)
        case .sold(let seller):
            writer.writeUInt8(1)
            writer.writeInt64(seller)
        }
    }

    init(from reader: inout BinaryReader) throws {
        switch try reader.readUInt8() {
        case 0: self = .registered(id: try reader.readInt64(), name: try reader.readString())
        case 1: self = .sold(seller: try reader.readInt64())
        case let tag: throw SerializationError.invalidValue("person activity tag \(tag)")
        }
    }
}

/// What one window saw of one person: the names registered (distinct) and whether they sold.
struct WindowActivity: Sendable, BinaryCodable {
    var names: [String] = []
    var sold = false

    init() {}

    func encode(to writer: inout BinaryWriter) {
        names.encode(to: &writer)
        writer.writeBool(sold)
    }

    init(from reader: inout BinaryReader) throws {
        names = try [String](from: &reader)
        sold = try reader.readBool()
    }
}

/// Folds a person's activity in a window.
struct CollectActivity: AggregateFunction {
    func createAccumulator() -> WindowActivity { WindowActivity() }

    func add(_ value: PersonActivity, to accumulator: inout WindowActivity) throws {
        switch value {
        case .registered(_, let name): if !accumulator.names.contains(name) { accumulator.names.append(name) }
        case .sold: accumulator.sold = true
        }
    }

    func result(_ accumulator: WindowActivity) throws -> WindowActivity { accumulator }

    func merge(_ a: WindowActivity, _ b: WindowActivity) throws -> WindowActivity {
        var m = a
        m.sold = a.sold || b.sold
        for name in b.names where !m.names.contains(name) { m.names.append(name) }
        return m
    }
}

/// Emits the window's new users: registered and sold in it.
struct EmitNewUsers: ProcessWindowFunction {
    func process(key: Int64, context: WindowContext<TimeWindow>, elements: [WindowActivity], out: Collector<NewUser>) throws {
        for activity in elements where activity.sold {
            for name in activity.names { try out.collect(NewUser(id: key, name: name, windowStart: context.window.start)) }
        }
    }
}

extension NexmarkQueries {
    /// The tumbling window of q8.
    public static let newUsersWindow: Duration = .seconds(10)

    /// ```sql
    /// SELECT P.id, P.name, P.starttime
    /// FROM (SELECT id, name, window_start AS starttime, window_end AS endtime
    ///       FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
    ///       GROUP BY id, name, window_start, window_end) P
    /// JOIN (SELECT seller, window_start AS starttime, window_end AS endtime
    ///       FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
    ///       GROUP BY seller, window_start, window_end) A
    /// ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime
    /// ```
    public static func newUsers(persons: DataStream<Person>, auctions: DataStream<Auction>) throws -> DataStream<NewUser> {
        let registered = persons.map { PersonActivity.registered(id: $0.id, name: $0.name) }.name("Registered")
        let sold = auctions.map { PersonActivity.sold(seller: $0.seller) }.name("Sold")
        return try registered.union(sold)
            .keyBy { $0.personID }
            .window(TumblingEventTimeWindows.of(size: newUsersWindow))
            .aggregate(CollectActivity(), EmitNewUsers())
            .name("Window Join Person-Auction")
    }
}
