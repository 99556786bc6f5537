// The text form every Nexmark record and query result has, for files and printing.

/// A record with a one-line, comma-separated text form: a row of the Nexmark CSV files for
/// events, the query's columns for results.
public protocol NexmarkRow: Sendable {
    var csvRow: String { get }
}
