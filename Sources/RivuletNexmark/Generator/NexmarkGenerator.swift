// The Nexmark event model of Apache Beam and nexmark-flink: which event number is which kind,
// and the fields of each event, drawn from a generator seeded by the event.

import Foundation
import Rivulet
import RivuletCore

/// The three kinds of Nexmark event.
public enum NexmarkEventKind: String, Sendable, CaseIterable {
    case person, auction, bid

    /// Events of this kind in each block of 50 (1 person, 3 auctions, 46 bids).
    public var perEpoch: Int64 {
        switch self {
        case .person: 1
        case .auction: 3
        case .bid: 46
        }
    }

    /// The offset of this kind's first event in a block of 50.
    var firstOffset: Int64 {
        switch self {
        case .person: 0
        case .auction: 1
        case .bid: 4
        }
    }

    /// The event number of this kind's `ordinal`-th event (0-based).
    public func eventNumber(ordinal: Int64) -> Int64 {
        let per = perEpoch
        return ordinal / per * NexmarkGenerator.eventsPerEpoch + firstOffset + ordinal % per
    }

    /// How many of the first `events` events are of this kind.
    public func count(inFirst events: Int64) -> Int64 {
        let epochs = events / NexmarkGenerator.eventsPerEpoch
        let rest = events % NexmarkGenerator.eventsPerEpoch
        return epochs * perEpoch + min(max(rest - firstOffset, 0), perEpoch)
    }
}

/// Generates event number n of the Nexmark stream (the model of Beam's `NexmarkGenerator` with
/// nexmark-flink's defaults): event n's time is `firstEventTime + n * 1000 / eventsPerSecond`;
/// ids are dense (person n/50 + 1000, auctions 3 per block from 1000); sellers and bidders are
/// hot (the first or second person of the current block of 100) with probability 3/4, bid
/// auctions with probability 1/2, otherwise a random active person (the last 1000, plus a lead
/// of 10 not yet created) or in-flight auction (the last 100, plus 10); prices are
/// `round(10^(6u) * 100)`; strings are lowercase letters with about one space in 13, padded by
/// `extra` to average row sizes of 200, 500 and 100 bytes. Each event draws from its own
/// generator, so events can be made in any order, by any subtask.
public struct NexmarkGenerator: Sendable {
    public static let eventsPerEpoch: Int64 = 50
    static let firstPersonID: Int64 = 1000
    static let firstAuctionID: Int64 = 1000
    static let firstCategoryID: Int64 = 10
    static let categories: UInt64 = 5
    static let activePeople: Int64 = 1000
    static let inFlightAuctions: Int64 = 100
    static let idLead: Int64 = 10
    static let hotBlock: Int64 = 100
    static let poolLength = 1 << 20
    static let states = ["AZ", "CA", "ID", "OR", "WA", "WY"]
    static let cities = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"]
    static let firstNames = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"]
    static let lastNames = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"]
    static let hotChannels = ["Google", "Facebook", "Baidu", "Apple"]

    public let seed: UInt64
    /// Events per second of event time (over all kinds).
    public let eventsPerSecond: Int64
    /// The time of event 0, epoch milliseconds.
    public let firstEventTime: Int64
    /// Random text that strings are slices of.
    let pool: [UInt8]
    /// 4 hot channels, then 10,000 others, each with its URL.
    let channels: [(name: String, url: String)]

    public init(seed: UInt64 = 42, eventsPerSecond: Int64 = 10_000, firstEventTime: Int64 = NexmarkTime.epochMillis) throws {
        guard eventsPerSecond > 0 else {
            throw NexmarkFormatError("the Nexmark event rate must be at least 1 event per second, got \(eventsPerSecond)")
        }
        self.seed = seed
        self.eventsPerSecond = eventsPerSecond
        self.firstEventTime = firstEventTime
        var r = SplitMix64(seed: seed ^ 0x5EED_0F_7E47)
        var pool = [UInt8](repeating: 0, count: Self.poolLength)
        for i in pool.indices {
            pool[i] = r.next() % 13 == 0 ? UInt8(ascii: " ") : UInt8(ascii: "a") + UInt8(r.next() % 26)
        }
        self.pool = pool
        func baseURL(_ r: inout SplitMix64) -> String {
            let parts = (0..<3).map { _ in
                let n = 3 + Int(r.next() % 2)
                let o = Int(r.next() % UInt64(Self.poolLength - 8))
                return String(decoding: pool[o..<(o + n)].map { $0 == UInt8(ascii: " ") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
            }
            return "https://www.nexmark.com/" + parts.joined(separator: "/") + "/item.htm?query=1"
        }
        var channels = Self.hotChannels.map { (name: $0, url: baseURL(&r)) }
        for i in 0..<10_000 {
            var url = baseURL(&r)
            if r.next() % 10 > 0 {
                // nexmark-flink's id: the channel number with its 32 bits reversed, as a positive int.
                var reversed: UInt32 = 0
                for bit in 0..<32 where UInt32(i) & (1 << bit) != 0 { reversed |= 1 << (31 - bit) }
                url += "&channel_id=" + String(Int32(bitPattern: reversed).magnitude)
            }
            channels.append((name: "channel-\(i)", url: url))
        }
        self.channels = channels
    }

    /// The time of event `n`, epoch milliseconds.
    public func eventTime(_ n: Int64) -> Int64 { firstEventTime + n * 1000 / eventsPerSecond }

    /// The generator event `n` draws from (a kind's own stream also mixes in the kind).
    public func random(forEvent n: Int64) -> SplitMix64 {
        SplitMix64(seed: seed ^ (UInt64(bitPattern: n) &* 0x9E37_79B9_7F4A_7C15))
    }

    // MARK: The event model

    /// The 0-based number of the last person created at or before event n.
    static func lastPerson0(_ n: Int64) -> Int64 { n / eventsPerEpoch }

    /// The 0-based number of the last auction created at or before event n.
    static func lastAuction0(_ n: Int64) -> Int64 {
        let epoch = n / eventsPerEpoch, offset = n % eventsPerEpoch
        if offset < 1 { return epoch * 3 - 1 }
        return epoch * 3 + min(offset - 1, 2)
    }

    static func uniform(_ r: inout SplitMix64) -> Double { Double(r.next() >> 11) * 0x1p-53 }

    static func below(_ bound: Int64, _ r: inout SplitMix64) -> Int64 { Int64(r.next() % UInt64(bound)) }

    /// A random active person: one of the last 1000 created, or up to 10 not yet created.
    static func nextPerson0(_ n: Int64, _ r: inout SplitMix64) -> Int64 {
        let created = lastPerson0(n) + 1
        let active = min(created, activePeople)
        return created - active + Int64(uniform(&r) * Double(active + idLead))
    }

    /// A random in-flight auction: one of the last 100 created, or up to 10 not yet created.
    static func nextAuction0(_ n: Int64, _ r: inout SplitMix64) -> Int64 {
        let newest = lastAuction0(n)
        let oldest = max(newest - inFlightAuctions, 0)
        return oldest + Int64(uniform(&r) * Double(newest - oldest + 1 + idLead))
    }

    static func price(_ r: inout SplitMix64) -> Int64 {
        Int64((pow(10, uniform(&r) * 6) * 100).rounded())
    }

    /// The length of the padding that brings a row of `current` bytes to about `average`
    /// (uniform within ±20% of the difference); 0 when the row is already longer.
    static func extraLength(_ current: Int, average: Int, _ r: inout SplitMix64) -> Int {
        guard current <= average else { return 0 }
        let d = average - current
        let delta = Int((Double(d) * 0.2).rounded(.toNearestOrEven))
        guard delta > 0 else { return d }
        return d - delta + Int(uniform(&r) * Double(2 * delta))
    }

    /// `length` random characters (a slice of the pool); "" without `keep`, after the same draw,
    /// so that the other fields do not depend on which text a query reads.
    func text(_ length: Int, _ r: inout SplitMix64, keep: Bool = true) -> String {
        let start = Int(r.next() % UInt64(Self.poolLength - 1024))
        guard keep else { return "" }
        return pool.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<(start + length)]), as: UTF8.self) }
    }

    // MARK: Events

    /// Person event `n` (n % 50 == 0).
    public func person(event n: Int64) -> Person {
        var r = random(forEvent: n)
        let name =
            Self.firstNames[Int(Self.below(Int64(Self.firstNames.count), &r))] + " "
            + Self.lastNames[Int(Self.below(Int64(Self.lastNames.count), &r))]
        let email = text(3 + Int(Self.below(4, &r)), &r) + "@" + text(3 + Int(Self.below(2, &r)), &r) + ".com"
        var card = ""
        for group in 0..<4 {
            let digits = String(Self.below(10_000, &r))
            card += (group > 0 ? " " : "") + String(repeating: "0", count: 4 - digits.count) + digits
        }
        let city = Self.cities[Int(Self.below(Int64(Self.cities.count), &r))]
        let state = Self.states[Int(Self.below(Int64(Self.states.count), &r))]
        let current = 8 + name.utf8.count + email.utf8.count + card.utf8.count + city.utf8.count + state.utf8.count
        let extra = text(Self.extraLength(current, average: 200, &r), &r)
        return Person(
            id: Self.lastPerson0(n) + Self.firstPersonID, name: name, emailAddress: email, creditCard: card, city: city, state: state,
            dateTime: eventTime(n), extra: extra)
    }

    /// Auction event `n` (n % 50 in 1...3); without `text`, its text fields are empty (a query
    /// that reads none of them).
    public func auction(event n: Int64, text withText: Bool = true) -> Auction {
        var r = random(forEvent: n)
        let time = eventTime(n)
        let seller =
            Self.below(4, &r) > 0
            ? Self.lastPerson0(n) / Self.hotBlock * Self.hotBlock : Self.nextPerson0(n, &r)
        let category = Self.firstCategoryID + Int64(r.next() % Self.categories)
        let initialBid = Self.price(&r)
        // The time in which 100 auctions are created: how long an auction stays open, at most twice that.
        let horizon = Self.inFlightAuctions * Self.eventsPerEpoch / 3 * 1000 / eventsPerSecond
        let expires = time + 1 + Int64(Self.uniform(&r) * Double(max(2 * horizon, 1)))
        let nameLength = 3 + Int(Self.below(17, &r))
        let itemName = text(nameLength, &r, keep: withText)
        let descriptionLength = 3 + Int(Self.below(97, &r))
        let description = text(descriptionLength, &r, keep: withText)
        let reserve = initialBid + Self.price(&r)
        let extra = text(Self.extraLength(8 + nameLength + descriptionLength + 40, average: 500, &r), &r, keep: withText)
        return Auction(
            id: Self.lastAuction0(n) + Self.firstAuctionID, itemName: itemName, description: description, initialBid: initialBid,
            reserve: reserve, dateTime: time, expires: expires, seller: seller + Self.firstPersonID, category: category, extra: extra)
    }

    /// Bid event `n` (n % 50 in 4...49); without `text`, its text fields are empty.
    public func bid(event n: Int64, text withText: Bool = true) -> Bid {
        var r = random(forEvent: n)
        let auction =
            Self.below(2, &r) > 0
            ? Self.lastAuction0(n) / Self.hotBlock * Self.hotBlock : Self.nextAuction0(n, &r)
        let bidder =
            Self.below(4, &r) > 0
            ? Self.lastPerson0(n) / Self.hotBlock * Self.hotBlock + 1 : Self.nextPerson0(n, &r)
        let price = Self.price(&r)
        let channel = channels[Int(Self.below(2, &r) > 0 ? Self.below(4, &r) : 4 + Self.below(10_000, &r))]
        let extra = text(Self.extraLength(32, average: 100, &r), &r, keep: withText)
        return Bid(
            auction: auction + Self.firstAuctionID, bidder: bidder + Self.firstPersonID, price: price, channel: withText ? channel.name : "",
            url: withText ? channel.url : "", dateTime: eventTime(n), extra: extra)
    }

    /// The event of `kind` with 0-based `ordinal` among that kind, as a typed record (without
    /// `text`: the text fields empty, where the kind allows).
    public func event<E: NexmarkEvent>(_: E.Type, ordinal: Int64, text: Bool = true) -> E {
        E(generatedBy: self, event: E.kind.eventNumber(ordinal: ordinal), text: text)
    }
}

/// A Nexmark event type: its kind, how the generator makes it, and how a CSV row reads.
public protocol NexmarkEvent: NexmarkRow, BinaryCodable {
    static var kind: NexmarkEventKind { get }
    /// The file of this kind written by the Nexmark data generator.
    static var fileName: String { get }
    /// Event `n` of `generator`; without `text`, the text fields may be left empty.
    init(generatedBy generator: NexmarkGenerator, event n: Int64, text: Bool)
    /// A row of the kind's CSV file; without `text`, the text fields may be left empty (a
    /// query that reads none of them: Flink's projection push-down into the source).
    init(csv line: UnsafeBufferPointer<UInt8>, text: Bool) throws
    var dateTime: Int64 { get }
}

extension Person: NexmarkEvent {
    public static var kind: NexmarkEventKind { .person }
    public static var fileName: String { "persons.csv" }
    /// Persons always carry their text (every query that reads persons uses their names).
    public init(generatedBy generator: NexmarkGenerator, event n: Int64, text: Bool) { self = generator.person(event: n) }
    public init(csv line: UnsafeBufferPointer<UInt8>, text: Bool) throws { try self.init(csv: line) }
}

extension Auction: NexmarkEvent {
    public static var kind: NexmarkEventKind { .auction }
    public static var fileName: String { "auctions.csv" }
    public init(generatedBy generator: NexmarkGenerator, event n: Int64, text: Bool) { self = generator.auction(event: n, text: text) }
}

extension Bid: NexmarkEvent {
    public static var kind: NexmarkEventKind { .bid }
    public static var fileName: String { "bids.csv" }
    public init(generatedBy generator: NexmarkGenerator, event n: Int64, text: Bool) { self = generator.bid(event: n, text: text) }
}
