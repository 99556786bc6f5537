// q3: an incremental join of persons and auctions: who sells category-10 items in OR, ID or CA.

import Rivulet
import RivuletCore

/// A q3 result row.
public struct LocalItem: NexmarkRow, Hashable {
    public var name: String
    public var city: String
    public var state: String
    public var id: Int64

    public var csvRow: String { "\(name),\(city),\(state),\(id)" }
}

/// What the join keeps of a person: the columns of the result, or only that the person was
/// seen and is not in one of the states.
struct SellerInfo: Sendable, BinaryCodable {
    var name: String
    var city: String
    var state: String
    var isLocal: Bool

    init(name: String, city: String, state: String, isLocal: Bool) {
        self.name = name
        self.city = city
        self.state = state
        self.isLocal = isLocal
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeString(name)
        writer.writeString(city)
        writer.writeString(state)
        writer.writeBool(isLocal)
    }

    init(from reader: inout BinaryReader) throws {
        name = try reader.readString()
        city = try reader.readString()
        state = try reader.readString()
        isLocal = try reader.readBool()
    }
}

/// The join, keyed by person id (= seller). A person is kept once seen; an auction whose
/// seller has not been seen yet waits in a list. Person ids are unique, so an auction that
/// finds its seller never needs to be kept.
struct LocalItemJoin: KeyedCoProcessFunction {
    typealias Key = Int64
    typealias Input1 = Person
    typealias Input2 = Auction
    typealias Output = LocalItem

    static let states: Set<String> = ["OR", "ID", "CA"]
    var seller: ValueState<SellerInfo>?
    var waiting: ListState<Int64>?

    mutating func open(_ context: KeyedRuntimeContext<Int64>) throws {
        seller = try context.valueState(ValueStateDescriptor<SellerInfo>("seller"))
        waiting = try context.listState(ListStateDescriptor<Int64>("waiting-auctions"))
    }

    mutating func processElement1(_ person: Person, _ context: KeyedContext<Int64>, _ out: Collector<LocalItem>) throws {
        guard let seller, let waiting else { return }
        let local = Self.states.contains(person.state)
        try seller.update(SellerInfo(name: local ? person.name : "", city: local ? person.city : "", state: person.state, isLocal: local))
        let auctions = try waiting.get()
        guard !auctions.isEmpty else { return }
        if local {
            for id in auctions { try out.collect(LocalItem(name: person.name, city: person.city, state: person.state, id: id)) }
        }
        try waiting.clear()
    }

    mutating func processElement2(_ auction: Auction, _ context: KeyedContext<Int64>, _ out: Collector<LocalItem>) throws {
        guard let seller, let waiting else { return }
        if let known = try seller.value() {
            if known.isLocal { try out.collect(LocalItem(name: known.name, city: known.city, state: known.state, id: auction.id)) }
        } else {
            try waiting.add(auction.id)
        }
    }
}

extension NexmarkQueries {
    /// ```sql
    /// SELECT P.name, P.city, P.state, A.id
    /// FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
    /// WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')
    /// ```
    public static func localItemSuggestion(persons: DataStream<Person>, auctions: DataStream<Auction>) -> DataStream<LocalItem> {
        persons.keyBy { $0.id }
            .connect(auctions.filter { $0.category == 10 }.name("Category 10").keyBy { $0.seller })
            .process { LocalItemJoin() }
            .name("Join Person-Auction")
    }
}
