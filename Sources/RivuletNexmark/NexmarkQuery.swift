// The Nexmark queries Rivulet runs, with the semantics of the nexmark-flink SQL queries.

import Rivulet
import RivuletCore

/// A Nexmark query: what it computes, which events it reads, and how it is built.
public enum NexmarkQuery: String, Sendable, CaseIterable {
    case q0, q1, q2, q3, q4, q5, q7, q8, q11

    public var summary: String {
        switch self {
        case .q0: "pass-through: every bid"
        case .q1: "currency conversion: bid prices in euros (price * 0.908)"
        case .q2: "selection: bids on auctions whose id is a multiple of 123"
        case .q3: "local item suggestion: sellers in OR, ID or CA of category-10 auctions (incremental join)"
        case .q4: "average closing price per category (join of auctions and bids, changelog of averages)"
        case .q5: "hot items: auctions with the most bids in each 10 s window sliding by 2 s"
        case .q7: "highest bid: the bids at the highest price of each 10 s window"
        case .q8: "new users: persons who opened an auction in the 10 s window they registered in"
        case .q11: "user sessions: bids per bidder per session (10 s gap)"
        }
    }

    /// The kinds of event the query reads.
    public var reads: [NexmarkEventKind] {
        switch self {
        case .q0, .q1, .q2, .q5, .q7, .q11: [.bid]
        case .q3, .q8: [.person, .auction]
        case .q4: [.auction, .bid]
        }
    }

    /// The result's columns, in the order of its rows.
    public var columns: String {
        switch self {
        case .q0: "auction, bidder, price, channel, url, dateTime, extra"
        case .q1: "auction, bidder, price (euros), dateTime, extra"
        case .q2: "auction, price"
        case .q3: "name, city, state, id"
        case .q4: "category, average (one row per change)"
        case .q5: "auction, num, window start, window end"
        case .q7: "auction, price, bidder, dateTime, extra"
        case .q8: "id, name, window start"
        case .q11: "bidder, bid_count, session start, session end"
        }
    }

    /// Adds the query, from `sources` to `output`, to `env`. Sources leave out the text fields
    /// a query does not read.
    public func build(_ env: StreamExecutionEnvironment, from sources: NexmarkSources, to output: NexmarkOutput) throws {
        switch self {
        case .q0: try NexmarkQueries.passThrough(sources.bids(env)).emit(to: output)
        case .q1: try NexmarkQueries.currencyConversion(sources.bids(env)).emit(to: output)
        case .q2: try NexmarkQueries.selection(sources.bids(env, text: false)).emit(to: output)
        case .q3:
            try NexmarkQueries.localItemSuggestion(persons: sources.persons(env), auctions: sources.auctions(env, text: false))
                .emit(to: output)
        case .q4:
            try NexmarkQueries.averagePriceByCategory(auctions: sources.auctions(env, text: false), bids: sources.bids(env, text: false))
                .emit(to: output)
        case .q5: try NexmarkQueries.hotItems(sources.bids(env, text: false)).emit(to: output)
        case .q7: try NexmarkQueries.highestBid(sources.bids(env)).emit(to: output)
        case .q8: try NexmarkQueries.newUsers(persons: sources.persons(env), auctions: sources.auctions(env, text: false)).emit(to: output)
        case .q11: try NexmarkQueries.userSessions(sources.bids(env, text: false)).emit(to: output)
        }
    }
}

/// The queries, one file each (`Queries/`).
public enum NexmarkQueries {}
