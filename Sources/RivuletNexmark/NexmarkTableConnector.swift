// 'connector' = 'nexmark': the Nexmark generator as a SQL table, as nexmark-flink declares it.

import Rivulet
import RivuletCore
import RivuletSQL

/// The `datagen` table of nexmark-flink's `ddl_gen.sql`: one row per event with `event_type`
/// (0 person, 1 auction, 2 bid) and a ROW column per kind, the other two NULL. Event n is the
/// generator's event n, so the rows match the DataStream queries' events. The source makes only
/// the ROW fields a query reads: a query of bids without their text fields does not build
/// strings, and a person's or auction's `dateTime` alone is the event's time, not a whole event.
/// A query that keeps one `event_type` (the views `bid`, `auction`, `person`) gets only events
/// of that kind.
public struct NexmarkTableConnector: TableConnector {
    public let identifier = "nexmark"
    public let options = [
        "first-event.rate", "next-event.rate", "events.num", "person.proportion", "auction.proportion", "bid.proportion", "seed",
    ]

    public init() {}

    static let personFields = ["id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra"]
    static let auctionFields = ["id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires", "seller", "category", "extra"]
    static let bidFields = ["auction", "bidder", "price", "channel", "url", "dateTime", "extra"]

    public func validate(_ table: CatalogTable) throws {
        try checkOptionNames(table)
        let columns = table.physicalColumns
        let expected: [(String, [String]?)] = [
            ("event_type", nil), ("person", Self.personFields), ("auction", Self.auctionFields), ("bid", Self.bidFields),
        ]
        let shape = columns.map { c in (c.name, c.type.rowFields?.map(\.name)) }
        guard shape.count == expected.count, zip(shape, expected).allSatisfy({ $0.0 == $1.0 && $0.1 == $1.1 }), columns[0].type.isInteger else {
            throw SQLError(
                "table '\(table.name)': the nexmark connector makes the columns event_type INT, person ROW<\(Self.personFields.joined(separator: ", "))>, auction ROW<\(Self.auctionFields.joined(separator: ", "))>, bid ROW<\(Self.bidFields.joined(separator: ", "))> (as nexmark-flink's ddl_gen.sql declares them)",
                at: table.position)
        }
        let proportions = try ["person.proportion", "auction.proportion", "bid.proportion"].map { try intOption(table, $0, default: nil) }
        if proportions.contains(where: { $0 != nil }), proportions.map({ $0 ?? 0 }) != [1, 3, 46] {
            throw SQLError(
                "table '\(table.name)': the nexmark generator makes persons, auctions and bids in the proportion 1:3:46 only", at: table.position)
        }
        _ = try settings(table)
    }

    func settings(_ table: CatalogTable) throws -> (generator: NexmarkGenerator, events: Int64) {
        let first = try intOption(table, "first-event.rate", default: 10_000_000, in: 1...1_000_000_000) ?? 10_000_000
        let next = try intOption(table, "next-event.rate", default: first, in: 1...1_000_000_000) ?? first
        guard first == next else {
            throw SQLError(
                "table '\(table.name)': 'first-event.rate' and 'next-event.rate' must be equal (the generator keeps one rate)", at: table.position)
        }
        let events = try intOption(table, "events.num", default: 100_000_000) ?? 100_000_000
        let seed = try intOption(table, "seed", default: 42) ?? 42
        return (try NexmarkGenerator(seed: UInt64(seed), eventsPerSecond: first), events)
    }

    public func source(_ context: TableSourceContext, in env: StreamExecutionEnvironment) throws -> DataStream<RowBatch> {
        let (generator, events) = try settings(context.table)
        let read = context.readColumns
        func fields(_ column: Int) -> Set<Int>? { read[column] ?? nil }
        let readPerson = read[1] != nil, readAuction = read[2] != nil, readBid = read[3] != nil
        // Only the event time of a kind is read: no need to make the event.
        let personTimeOnly = fields(1) == [6], auctionTimeOnly = fields(2) == [5], bidTimeOnly = fields(3) == [5]
        let auctionText = fields(2).map { !$0.isDisjoint(with: [1, 2, 9]) } ?? true
        let bidText = fields(3).map { !$0.isDisjoint(with: [3, 4, 6]) } ?? true
        // `event_type = k` in the query: make only the events of that kind (the filter above
        // still checks them). Event numbers are the same as the whole stream's.
        let numbers: DataGeneratorSource<Int64>
        if case .int(let k)? = context.equalities[0] {
            let kinds: [NexmarkEventKind] = [.person, .auction, .bid]
            if let kind = kinds.indices.contains(Int(k)) ? kinds[Int(k)] : nil {
                numbers = DataGeneratorSource<Int64>(count: kind.count(inFirst: events)) { ordinal, _ in kind.eventNumber(ordinal: ordinal) }
            } else {
                numbers = DataGeneratorSource<Int64>(count: 0) { n, _ in n }
            }
        } else {
            numbers = DataGeneratorSource<Int64>(count: events) { n, _ in n }
        }
        let source = RowBatchSource(numbers, kinds: context.kinds, readColumns: read) { n, b in
            let offset = n % NexmarkGenerator.eventsPerEpoch
            let kind: Int64 = offset == 0 ? 0 : offset < 4 ? 1 : 2
            b[0].append(int: kind)
            if kind == 0 && readPerson {
                b[1].beginRow()
                if personTimeOnly {
                    b[1].fields[6].append(int: generator.eventTime(n))
                } else {
                    let p = generator.person(event: n)
                    b[1].fields[0].append(int: p.id)
                    b[1].fields[1].append(string: p.name)
                    b[1].fields[2].append(string: p.emailAddress)
                    b[1].fields[3].append(string: p.creditCard)
                    b[1].fields[4].append(string: p.city)
                    b[1].fields[5].append(string: p.state)
                    b[1].fields[6].append(int: p.dateTime)
                    b[1].fields[7].append(string: p.extra)
                }
                b[1].appendRow()
            } else {
                b[1].appendNull()
            }
            if kind == 1 && readAuction {
                b[2].beginRow()
                if auctionTimeOnly {
                    b[2].fields[5].append(int: generator.eventTime(n))
                } else {
                    let a = generator.auction(event: n, text: auctionText)
                    b[2].fields[0].append(int: a.id)
                    b[2].fields[1].append(string: a.itemName)
                    b[2].fields[2].append(string: a.description)
                    b[2].fields[3].append(int: a.initialBid)
                    b[2].fields[4].append(int: a.reserve)
                    b[2].fields[5].append(int: a.dateTime)
                    b[2].fields[6].append(int: a.expires)
                    b[2].fields[7].append(int: a.seller)
                    b[2].fields[8].append(int: a.category)
                    b[2].fields[9].append(string: a.extra)
                }
                b[2].appendRow()
            } else {
                b[2].appendNull()
            }
            if kind == 2 && readBid {
                b[3].beginRow()
                if bidTimeOnly {
                    b[3].fields[5].append(int: generator.eventTime(n))
                } else {
                    let bid = generator.bid(event: n, text: bidText)
                    b[3].fields[0].append(int: bid.auction)
                    b[3].fields[1].append(int: bid.bidder)
                    b[3].fields[2].append(int: bid.price)
                    b[3].fields[3].append(string: bid.channel)
                    b[3].fields[4].append(string: bid.url)
                    b[3].fields[5].append(int: bid.dateTime)
                    b[3].fields[6].append(string: bid.extra)
                }
                b[3].appendRow()
            } else {
                b[3].appendNull()
            }
        }
        return env.fromSource(source, name: "TableSourceScan(table=[\(context.table.name)], connector=[nexmark])").uid(context.uid)
    }
}
