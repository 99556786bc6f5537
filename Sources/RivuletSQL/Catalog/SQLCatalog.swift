// The tables and views a SQL session has created.

/// Tables and views by name (names are case-sensitive, as in Flink).
public struct SQLCatalog: Sendable {
    public enum Entry: Sendable {
        case table(CatalogTable)
        case view(CatalogView)
    }

    public private(set) var entries: [String: Entry] = [:]
    /// Names in creation order, for SHOW TABLES.
    public private(set) var names: [String] = []

    public init() {}

    public func entry(_ name: String, at position: SourcePosition) throws -> Entry {
        if let e = entries[name] { return e }
        let lower = name.lowercased()
        if let other = names.first(where: { $0.lowercased() == lower }) {
            throw SQLError("table or view '\(name)' not found (names are case-sensitive; there is '\(other)')", at: position)
        }
        let known = names.isEmpty ? "the catalog is empty" : "known: " + names.joined(separator: ", ")
        throw SQLError("table or view '\(name)' not found (\(known))", at: position)
    }

    public func contains(_ name: String) -> Bool { entries[name] != nil }

    public mutating func add(_ name: String, _ entry: Entry, at position: SourcePosition) throws {
        guard entries[name] == nil else { throw SQLError("a table or view named '\(name)' already exists", at: position) }
        entries[name] = entry
        names.append(name)
    }
}
