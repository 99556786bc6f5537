// The Nexmark queries computed directly over arrays of events: what the engine's results are
// checked against. Nothing here uses the engine.

import Foundation
import RivuletNexmark

/// The first events of a generator, by kind, and each query's expected rows.
struct NexmarkOracle {
    let persons: [Person]
    let auctions: [Auction]
    let bids: [Bid]

    init(_ generator: NexmarkGenerator, events: Int64) {
        persons = (0..<NexmarkEventKind.person.count(inFirst: events)).map {
            generator.person(event: NexmarkEventKind.person.eventNumber(ordinal: $0))
        }
        auctions = (0..<NexmarkEventKind.auction.count(inFirst: events)).map {
            generator.auction(event: NexmarkEventKind.auction.eventNumber(ordinal: $0))
        }
        bids = (0..<NexmarkEventKind.bid.count(inFirst: events)).map { generator.bid(event: NexmarkEventKind.bid.eventNumber(ordinal: $0)) }
    }

    static func time(_ ms: Int64) -> String { NexmarkTime.format(ms) }

    /// The expected rows of `query`, sorted (q4: the final average of each category).
    func rows(_ query: NexmarkQuery) -> [String] {
        let rows: [String]
        switch query {
        case .q0: rows = bids.map(\.csvRow)
        case .q1:
            rows = bids.map { b in
                let thousandths = b.price * 908
                return
                    "\(b.auction),\(b.bidder),\(thousandths / 1000).\(String(format: "%03d", Int(thousandths % 1000))),\(Self.time(b.dateTime)),\(b.extra)"
            }
        case .q2: rows = bids.filter { $0.auction % 123 == 0 }.map { "\($0.auction),\($0.price)" }
        case .q3:
            let byID = Dictionary(persons.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            rows = auctions.compactMap { a in
                guard a.category == 10, let p = byID[a.seller], ["OR", "ID", "CA"].contains(p.state) else { return nil }
                return "\(p.name),\(p.city),\(p.state),\(a.id)"
            }
        case .q4:
            var best: [Int64: Int64] = [:]
            let byID = Dictionary(auctions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for b in bids {
                guard let a = byID[b.auction], b.dateTime >= a.dateTime, b.dateTime <= a.expires else { continue }
                best[a.id] = max(best[a.id] ?? Int64.min, b.price)
            }
            var sums: [Int64: (Int64, Int64)] = [:]
            for (id, price) in best {
                let category = byID[id]!.category
                let s = sums[category] ?? (0, 0)
                sums[category] = (s.0 + price, s.1 + 1)
            }
            rows = sums.map { "\($0.key),\($0.value.0 / $0.value.1)" }
        case .q5:
            var counts: [Int64: [Int64: Int64]] = [:]  // window end -> auction -> count
            for b in bids {
                var end = (b.dateTime / 2000 + 1) * 2000
                while end - 10_000 <= b.dateTime {
                    counts[end, default: [:]][b.auction, default: 0] += 1
                    end += 2000
                }
            }
            rows = counts.flatMap { end, byAuction in
                let top = byAuction.values.max()!
                return byAuction.filter { $0.value == top }.map { "\($0.key),\(top),\(Self.time(end - 10_000)),\(Self.time(end))" }
            }
        case .q7:
            var top: [Int64: Int64] = [:]  // window start -> highest price
            for b in bids { top[b.dateTime / 10_000 * 10_000] = max(top[b.dateTime / 10_000 * 10_000] ?? 0, b.price) }
            rows = bids.flatMap { b -> [String] in
                let start = b.dateTime / 10_000 * 10_000
                // BETWEEN end - 10 s AND end: a bid at a window's start also counts for the window before.
                return [start, start - 10_000].compactMap { s in
                    guard let price = top[s], price == b.price, b.dateTime <= s + 10_000 else { return nil }
                    return "\(b.auction),\(b.price),\(b.bidder),\(Self.time(b.dateTime)),\(b.extra)"
                }
            }
        case .q8:
            let sold = Set(auctions.map { "\($0.seller)@\($0.dateTime / 10_000)" })
            rows = Set(persons.map { "\($0.id),\($0.name),\($0.dateTime / 10_000)" }).compactMap { row in
                let parts = row.split(separator: ",")
                guard sold.contains("\(parts[0])@\(parts[2])") else { return nil }
                return "\(parts[0]),\(parts[1]),\(Self.time(Int64(parts[2])! * 10_000))"
            }
        case .q11:
            var times: [Int64: [Int64]] = [:]
            for b in bids { times[b.bidder, default: []].append(b.dateTime) }
            rows = times.flatMap { bidder, list -> [String] in
                let sorted = list.sorted()
                var sessions: [String] = []
                var start = sorted[0], last = sorted[0], count = 0
                for t in sorted {
                    if t >= last + 10_000 {
                        sessions.append("\(bidder),\(count),\(Self.time(start)),\(Self.time(last + 10_000))")
                        start = t
                        count = 0
                    }
                    last = t
                    count += 1
                }
                sessions.append("\(bidder),\(count),\(Self.time(start)),\(Self.time(last + 10_000))")
                return sessions
            }
        }
        return rows.sorted()
    }
}

extension NexmarkOracle {
    /// The events of the data generator's CSV files in `directory`, read with Foundation
    /// (split on commas, dates through DateFormatter), not with Rivulet's parser.
    init(directory: String) throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        func rows(_ name: String) throws -> [[String]] {
            try String(contentsOfFile: directory + "/" + name, encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        func time(_ text: String) -> Int64 { Int64((formatter.date(from: text)!.timeIntervalSince1970 * 1000).rounded()) }
        persons = try rows("persons.csv").map {
            Person(
                id: Int64($0[0])!, name: $0[1], emailAddress: $0[2], creditCard: $0[3], city: $0[4], state: $0[5], dateTime: time($0[6]), extra: $0[7]
            )
        }
        auctions = try rows("auctions.csv").map {
            Auction(
                id: Int64($0[0])!, itemName: $0[1], description: $0[2], initialBid: Int64($0[3])!, reserve: Int64($0[4])!,
                dateTime: time($0[5]), expires: time($0[6]), seller: Int64($0[7])!, category: Int64($0[8])!, extra: $0[9])
        }
        bids = try rows("bids.csv").map {
            Bid(auction: Int64($0[0])!, bidder: Int64($0[1])!, price: Int64($0[2])!, channel: $0[3], url: $0[4], dateTime: time($0[5]), extra: $0[6])
        }
    }
}
