// A person: 1 of every 50 Nexmark events.

import RivuletCore

/// A person (Nexmark's `person` table). Times are epoch milliseconds.
public struct Person: Sendable, Hashable, BinaryCodable, NexmarkRow {
    public var id: Int64
    public var name: String
    public var emailAddress: String
    public var creditCard: String
    public var city: String
    public var state: String
    public var dateTime: Int64
    public var extra: String

    public init(
        id: Int64, name: String, emailAddress: String, creditCard: String, city: String, state: String, dateTime: Int64, extra: String
    ) {
        self.id = id
        self.name = name
        self.emailAddress = emailAddress
        self.creditCard = creditCard
        self.city = city
        self.state = state
        self.dateTime = dateTime
        self.extra = extra
    }

    /// Reads a row of `persons.csv`: id, name, emailAddress, creditCard, city, state, dateTime, extra.
    @inlinable
    public init(csv line: UnsafeBufferPointer<UInt8>) throws {
        var f = CSVFields(line, table: "person")
        id = try f.int64("id")
        name = try f.string("name")
        emailAddress = try f.string("emailAddress")
        creditCard = try f.string("creditCard")
        city = try f.string("city")
        state = try f.string("state")
        dateTime = try f.timestamp("dateTime")
        extra = try f.string("extra", last: true)
    }

    /// The row of `persons.csv` this person is.
    public var csvRow: String {
        "\(id),\(name),\(emailAddress),\(creditCard),\(city),\(state),\(NexmarkTime.format(dateTime)),\(extra)"
    }

    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(id)
        writer.writeString(name)
        writer.writeString(emailAddress)
        writer.writeString(creditCard)
        writer.writeString(city)
        writer.writeString(state)
        writer.writeInt64(dateTime)
        writer.writeString(extra)
    }

    public init(from reader: inout BinaryReader) throws {
        id = try reader.readInt64()
        name = try reader.readString()
        emailAddress = try reader.readString()
        creditCard = try reader.readString()
        city = try reader.readString()
        state = try reader.readString()
        dateTime = try reader.readInt64()
        extra = try reader.readString()
    }
}
