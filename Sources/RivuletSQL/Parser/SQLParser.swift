// A recursive-descent parser of Flink SQL scripts: DDL, SET, INSERT, statement sets, EXPLAIN,
// SHOW and DESCRIBE, and queries with their expressions.

/// Parses a script into statements. Errors name what was expected and where.
public struct SQLParser {
    var tokens: [SQLToken]
    var index = 0

    /// Words that end an expression or a table reference, so never taken as an alias.
    static let reserved: Set<String> = [
        "SELECT", "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "UNION", "JOIN", "ON", "AS", "INNER", "LEFT",
        "RIGHT", "FULL", "CROSS", "OUTER", "AND", "OR", "NOT", "BY", "WITH", "WHEN", "THEN", "ELSE", "END", "INSERT", "INTO",
        "VALUES", "CREATE", "IS", "IN", "LIKE", "BETWEEN", "CASE", "DISTINCT", "ALL", "FILTER", "OVER", "PARTITION", "SET",
        "TABLE", "WINDOW", "NULL", "TRUE", "FALSE", "EXCEPT", "INTERSECT", "USING", "NATURAL", "LATERAL",
    ]

    public init(_ text: String) throws {
        tokens = try SQLLexer.tokens(text)
    }

    /// Every statement of `text`, in order (`;` between statements, optional after the last).
    public static func parseScript(_ text: String) throws -> [SQLStatement] {
        var parser = try SQLParser(text)
        var statements: [SQLStatement] = []
        while true {
            while parser.accept(symbol: ";") {}
            if case .end = parser.current.kind { break }
            statements.append(try parser.statement())
            if case .end = parser.current.kind { break }
            try parser.expect(symbol: ";", after: "a statement")
        }
        return statements
    }

    /// Exactly one statement (a trailing `;` is allowed).
    public static func parseStatement(_ text: String) throws -> SQLStatement {
        let statements = try parseScript(text)
        guard statements.count == 1 else {
            throw SQLError("expected one statement, found \(statements.count)", at: SourcePosition(line: 1, column: 1))
        }
        return statements[0]
    }

    // MARK: Tokens

    var current: SQLToken { tokens[index] }
    var position: SourcePosition { current.position }

    func peekKeyword(_ offset: Int = 0) -> String? {
        index + offset < tokens.count ? tokens[index + offset].keyword : nil
    }

    func isKeyword(_ word: String) -> Bool { current.keyword == word }

    func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let s) = current.kind { return s == symbol }
        return false
    }

    mutating func accept(_ word: String) -> Bool {
        guard isKeyword(word) else { return false }
        index += 1
        return true
    }

    mutating func accept(symbol: String) -> Bool {
        guard isSymbol(symbol) else { return false }
        index += 1
        return true
    }

    mutating func expect(_ words: String..., after context: String? = nil) throws {
        for word in words {
            guard accept(word) else { throw unexpected(expected: word, after: context) }
        }
    }

    mutating func expect(symbol: String, after context: String? = nil) throws {
        guard accept(symbol: symbol) else { throw unexpected(expected: "'\(symbol)'", after: context) }
    }

    func unexpected(expected: String, after context: String? = nil) -> SQLError {
        SQLError("expected \(expected)\(context.map { " after \($0)" } ?? "") but found \(current.display)", at: position)
    }

    mutating func identifier(_ what: String = "a name") throws -> String {
        switch current.kind {
        case .quotedIdentifier(let name):
            index += 1
            return name
        case .word(let word) where !Self.reserved.contains(word.uppercased()):
            index += 1
            return word
        default:
            throw unexpected(expected: what)
        }
    }

    /// A dotted name (`catalog.db.table` is read as its last part's full text).
    mutating func qualifiedName(_ what: String) throws -> String {
        var parts = [try identifier(what)]
        while accept(symbol: ".") { parts.append(try identifier(what)) }
        return parts.joined(separator: ".")
    }

    mutating func stringLiteral(_ what: String) throws -> String {
        guard case .string(let value) = current.kind else { throw unexpected(expected: what) }
        index += 1
        return value
    }

    mutating func integer(_ what: String) throws -> Int {
        guard case .number(let text) = current.kind, let value = Int(text) else { throw unexpected(expected: what) }
        index += 1
        return value
    }

    // MARK: Statements

    mutating func statement() throws -> SQLStatement {
        let start = position
        switch current.keyword {
        case "CREATE":
            index += 1
            _ = accept("TEMPORARY")
            if accept("TABLE") { return .createTable(try createTable(start)) }
            if accept("VIEW") {
                var ifNotExists = false
                if accept("IF") {
                    try expect("NOT", "EXISTS")
                    ifNotExists = true
                }
                let name = try qualifiedName("a view name")
                try expect("AS", after: "the view name")
                return .createView(name: name, query: try query(), ifNotExists: ifNotExists, position: start)
            }
            throw SQLError("CREATE \(current.display) is not supported; Rivulet takes CREATE TABLE and CREATE VIEW", at: position)
        case "SET":
            index += 1
            if case .string = current.kind {
                let key = try stringLiteral("a key")
                try expect(symbol: "=", after: "the key")
                let value = try stringLiteral("a value in quotes")
                return .set(key: key, value: value, position: start)
            }
            return .set(key: nil, value: nil, position: start)
        case "INSERT":
            return .insert(try insert())
        case "EXECUTE":
            index += 1
            try expect("STATEMENT", "SET", "BEGIN")
            var inserts: [SQLInsert] = []
            while !isKeyword("END") {
                inserts.append(try insert())
                try expect(symbol: ";", after: "an INSERT of a statement set")
            }
            index += 1
            guard !inserts.isEmpty else { throw SQLError("a statement set needs at least one INSERT", at: start) }
            return .statementSet(inserts, position: start)
        case "EXPLAIN":
            index += 1
            if accept("PLAN") { try expect("FOR") }
            return .explain(try statement(), position: start)
        case "SHOW":
            index += 1
            guard accept("TABLES") else {
                throw SQLError("SHOW \(current.display) is not supported; Rivulet takes SHOW TABLES", at: position)
            }
            return .showTables(position: start)
        case "DESCRIBE", "DESC":
            index += 1
            return .describe(table: try qualifiedName("a table name"), position: start)
        case "SELECT":
            return .query(try query())
        default:
            if isSymbol("(") { return .query(try query()) }
            throw SQLError(
                "expected a statement (CREATE, SET, INSERT, EXECUTE STATEMENT SET, EXPLAIN, SHOW, DESCRIBE or SELECT) but found \(current.display)",
                at: position)
        }
    }

    mutating func createTable(_ start: SourcePosition) throws -> SQLCreateTable {
        var ifNotExists = false
        if accept("IF") {
            try expect("NOT", "EXISTS")
            ifNotExists = true
        }
        let name = try qualifiedName("a table name")
        try expect(symbol: "(", after: "the table name")
        var table = SQLCreateTable(
            name: name, columns: [], watermark: nil, primaryKey: [], options: [], ifNotExists: ifNotExists, position: start)
        repeat {
            let elementStart = position
            if accept("WATERMARK") {
                try expect("FOR")
                let column = try identifier("the watermark's column")
                try expect("AS", after: "WATERMARK FOR \(column)")
                guard table.watermark == nil else { throw SQLError("a table has one WATERMARK", at: elementStart) }
                table.watermark = (column, try expression())
            } else if isKeyword("PRIMARY") || isKeyword("CONSTRAINT") {
                if accept("CONSTRAINT") { _ = try identifier("a constraint name") }
                try expect("PRIMARY", "KEY")
                try expect(symbol: "(")
                var columns = [try identifier("a column")]
                while accept(symbol: ",") { columns.append(try identifier("a column")) }
                try expect(symbol: ")")
                guard accept("NOT"), accept("ENFORCED") else {
                    throw SQLError("Flink SQL does not enforce primary keys: write PRIMARY KEY (...) NOT ENFORCED", at: position)
                }
                table.primaryKey = columns
            } else {
                let columnName = try identifier("a column name")
                if accept("AS") {
                    table.columns.append(
                        SQLColumn(name: columnName, type: nil, computed: try expression(), notNull: false, position: elementStart))
                } else {
                    let type = try dataType()
                    var notNull = false
                    if accept("NOT") {
                        try expect("NULL")
                        notNull = true
                    } else {
                        _ = accept("NULL")
                    }
                    if isKeyword("PRIMARY") {
                        index += 1
                        try expect("KEY", "NOT", "ENFORCED")
                        table.primaryKey = [columnName]
                    }
                    table.columns.append(SQLColumn(name: columnName, type: type, computed: nil, notNull: notNull, position: elementStart))
                }
            }
        } while accept(symbol: ",")
        try expect(symbol: ")", after: "the columns")
        if let watermark = table.watermark, !table.columns.contains(where: { $0.name == watermark.column }) {
            throw SQLError("WATERMARK FOR names column '\(watermark.column)', which table \(name) does not have", at: start)
        }
        if accept("WITH") {
            try expect(symbol: "(", after: "WITH")
            repeat {
                let key = try stringLiteral("an option key in quotes")
                try expect(symbol: "=", after: "the option key")
                let value = try stringLiteral("an option value in quotes")
                table.options.append((key, value))
            } while accept(symbol: ",")
            try expect(symbol: ")", after: "the options")
        }
        return table
    }

    mutating func insert() throws -> SQLInsert {
        let start = position
        try expect("INSERT")
        guard accept("INTO") || accept("OVERWRITE") else { throw unexpected(expected: "INTO", after: "INSERT") }
        let table = try qualifiedName("a table name")
        var columns: [String] = []
        if isSymbol("("), peekKeyword(1) != "SELECT" {
            index += 1
            repeat { columns.append(try identifier("a column")) } while accept(symbol: ",")
            try expect(symbol: ")")
        }
        return SQLInsert(table: table, columns: columns, query: try query(), position: start)
    }

    // MARK: Types

    mutating func dataType() throws -> SQLDataType {
        let start = position
        guard let word = current.keyword else { throw unexpected(expected: "a type") }
        index += 1
        func length() throws -> Int? {
            guard accept(symbol: "(") else { return nil }
            let n = try integer("a length")
            try expect(symbol: ")")
            return n
        }
        switch word {
        case "BOOLEAN": return .boolean
        case "TINYINT": return .tinyint
        case "SMALLINT": return .smallint
        case "INT", "INTEGER": return .int
        case "BIGINT": return .bigint
        case "FLOAT", "REAL": return .float
        case "DOUBLE":
            _ = accept("PRECISION")
            return .double
        case "DECIMAL", "DEC", "NUMERIC":
            var precision = 10, scale = 0
            if accept(symbol: "(") {
                precision = try integer("a precision")
                if accept(symbol: ",") { scale = try integer("a scale") }
                try expect(symbol: ")")
            }
            guard (1...38).contains(precision), (0...precision).contains(scale) else {
                throw SQLError("DECIMAL(\(precision), \(scale)): the precision must be 1 to 38 and the scale 0 to the precision", at: start)
            }
            return .decimal(precision: precision, scale: scale)
        case "VARCHAR", "CHAR":
            return .varchar(length: try length())
        case "STRING": return .varchar(length: nil)
        case "DATE": return .date
        case "TIME":
            _ = try length()
            return .time
        case "TIMESTAMP":
            let precision = try length() ?? 6
            if accept("WITH") {
                try expect("LOCAL", "TIME", "ZONE")
                return .timestampLTZ(precision: precision)
            }
            if accept("WITHOUT") { try expect("TIME", "ZONE") }
            return .timestamp(precision: precision)
        case "TIMESTAMP_LTZ":
            return .timestampLTZ(precision: try length() ?? 6)
        case "ROW":
            let close: String
            if accept(symbol: "<") {
                close = ">"
            } else {
                try expect(symbol: "(", after: "ROW")
                close = ")"
            }
            var fields: [(name: String, type: SQLDataType)] = []
            repeat { fields.append((try identifier("a field name"), try dataType())) } while accept(symbol: ",")
            try expect(symbol: close, after: "the fields of ROW")
            return .row(fields)
        case "ARRAY":
            try expect(symbol: "<", after: "ARRAY")
            let element = try dataType()
            try expect(symbol: ">")
            return .array(element)
        case "MAP":
            try expect(symbol: "<", after: "MAP")
            let key = try dataType()
            try expect(symbol: ",")
            let value = try dataType()
            try expect(symbol: ">")
            return .map(key: key, value: value)
        default:
            throw SQLError("unknown type \(word)", at: start)
        }
    }

    // MARK: Queries

    mutating func query() throws -> SQLQuery {
        var result = try queryTerm()
        while accept("UNION") {
            guard accept("ALL") else {
                throw SQLError("UNION without ALL (removing duplicates) is not supported; write UNION ALL", at: position)
            }
            result = .unionAll(result, try queryTerm())
        }
        return result
    }

    mutating func queryTerm() throws -> SQLQuery {
        if accept(symbol: "(") {
            let inner = try query()
            try expect(symbol: ")", after: "a query in parentheses")
            return inner
        }
        return .select(try select())
    }

    mutating func select() throws -> SQLSelect {
        let start = position
        try expect("SELECT")
        let distinct = accept("DISTINCT")
        if !distinct { _ = accept("ALL") }
        var items: [SQLSelectItem] = []
        repeat {
            let expression = try self.expression()
            var alias: String?
            if accept("AS") {
                alias = try identifier("an alias")
            } else if let word = current.keyword, !Self.reserved.contains(word) {
                alias = try identifier()
            } else if case .quotedIdentifier = current.kind {
                alias = try identifier()
            }
            items.append(SQLSelectItem(expression: expression, alias: alias))
        } while accept(symbol: ",")
        try expect("FROM", after: "the select list")
        let from = try tableReference()
        var select = SQLSelect(
            distinct: distinct, items: items, from: from, whereClause: nil, groupBy: [], having: nil, orderBy: [], limit: nil,
            position: start)
        if accept("WHERE") { select.whereClause = try expression() }
        if accept("GROUP") {
            try expect("BY")
            repeat { select.groupBy.append(try expression()) } while accept(symbol: ",")
        }
        if accept("HAVING") { select.having = try expression() }
        if accept("ORDER") {
            try expect("BY")
            select.orderBy = try orderItems()
        }
        if accept("LIMIT") { select.limit = try integer("a row count") }
        return select
    }

    mutating func orderItems() throws -> [SQLOrderItem] {
        var items: [SQLOrderItem] = []
        repeat {
            let e = try expression()
            let descending = accept("DESC")
            if !descending { _ = accept("ASC") }
            var nullsFirst: Bool?
            if accept("NULLS") {
                nullsFirst = accept("FIRST")
                if nullsFirst == false { try expect("LAST", after: "NULLS") }
            }
            items.append(SQLOrderItem(expression: e, descending: descending, nullsFirst: nullsFirst))
        } while accept(symbol: ",")
        return items
    }

    mutating func tableReference() throws -> SQLTableReference {
        var left = try tablePrimary()
        while true {
            let start = position
            if accept(symbol: ",") {
                left = .join(left, try tablePrimary(), kind: "CROSS", on: nil, position: start)
                continue
            }
            var kind: String?
            if accept("JOIN") {
                kind = "INNER"
            } else if accept("INNER") {
                try expect("JOIN")
                kind = "INNER"
            } else if let side = current.keyword, ["LEFT", "RIGHT", "FULL"].contains(side) {
                index += 1
                _ = accept("OUTER")
                try expect("JOIN")
                kind = side
            } else if accept("CROSS") {
                try expect("JOIN")
                kind = "CROSS"
            }
            guard let kind else { return left }
            let right = try tablePrimary()
            var on: SQLExpression?
            if kind != "CROSS" {
                try expect("ON", after: "the joined table")
                on = try expression()
            }
            left = .join(left, right, kind: kind, on: on, position: start)
        }
    }

    mutating func alias() throws -> String? {
        if accept("AS") { return try identifier("an alias") }
        if let word = current.keyword, !Self.reserved.contains(word) { return try identifier() }
        if case .quotedIdentifier = current.kind { return try identifier() }
        return nil
    }

    mutating func tablePrimary() throws -> SQLTableReference {
        let start = position
        if accept(symbol: "(") {
            let inner = try query()
            try expect(symbol: ")", after: "a subquery")
            return .subquery(inner, alias: try alias(), position: start)
        }
        if isKeyword("TABLE"), case .symbol("(") = tokens[index + 1].kind {
            index += 2
            guard case .call(let call) = try primary() else {
                throw SQLError("TABLE(...) takes a table function such as TUMBLE, HOP, CUMULATE or SESSION", at: start)
            }
            try expect(symbol: ")", after: "the table function")
            return .tableFunction(call, alias: try alias(), position: start)
        }
        return .table(name: try qualifiedName("a table name"), alias: try alias(), position: start)
    }

    // MARK: Expressions

    public mutating func expression() throws -> SQLExpression { try or() }

    mutating func or() throws -> SQLExpression {
        var left = try and()
        while isKeyword("OR") {
            let p = position
            index += 1
            left = .binary(op: "OR", left, try and(), p)
        }
        return left
    }

    mutating func and() throws -> SQLExpression {
        var left = try not()
        while isKeyword("AND") {
            let p = position
            index += 1
            left = .binary(op: "AND", left, try not(), p)
        }
        return left
    }

    mutating func not() throws -> SQLExpression {
        let p = position
        if accept("NOT") { return .unary(op: "NOT", try not(), p) }
        return try predicate()
    }

    mutating func predicate() throws -> SQLExpression {
        let left = try additive()
        let p = position
        if case .symbol(let op) = current.kind, ["=", "<>", "!=", "<", "<=", ">", ">="].contains(op) {
            index += 1
            return .binary(op: op == "!=" ? "<>" : op, left, try additive(), p)
        }
        if accept("IS") {
            let negated = accept("NOT")
            guard let test = current.keyword, ["NULL", "TRUE", "FALSE", "UNKNOWN"].contains(test) else {
                throw unexpected(expected: "NULL, TRUE, FALSE or UNKNOWN", after: "IS")
            }
            index += 1
            return .isTest(left, test: test, negated: negated, p)
        }
        let negated = isKeyword("NOT") && ["IN", "BETWEEN", "LIKE"].contains(peekKeyword(1) ?? "")
        if negated { index += 1 }
        if accept("IN") {
            try expect(symbol: "(", after: "IN")
            if isKeyword("SELECT") { throw SQLError("IN with a subquery is not supported yet; list the values", at: position) }
            var list = [try expression()]
            while accept(symbol: ",") { list.append(try expression()) }
            try expect(symbol: ")", after: "the IN list")
            return .inList(left, list, negated: negated, p)
        }
        if accept("BETWEEN") {
            _ = accept("SYMMETRIC") || accept("ASYMMETRIC")
            let low = try additive()
            try expect("AND", after: "BETWEEN's lower bound")
            return .between(left, low: low, high: try additive(), negated: negated, p)
        }
        if accept("LIKE") { return .like(left, pattern: try additive(), negated: negated, p) }
        return left
    }

    mutating func additive() throws -> SQLExpression {
        var left = try multiplicative()
        while case .symbol(let op) = current.kind, ["+", "-", "||"].contains(op) {
            let p = position
            index += 1
            left = .binary(op: op, left, try multiplicative(), p)
        }
        return left
    }

    mutating func multiplicative() throws -> SQLExpression {
        var left = try unary()
        while case .symbol(let op) = current.kind, ["*", "/", "%"].contains(op) {
            let p = position
            index += 1
            left = .binary(op: op, left, try unary(), p)
        }
        return left
    }

    mutating func unary() throws -> SQLExpression {
        let p = position
        if accept(symbol: "-") { return .unary(op: "-", try unary(), p) }
        if accept(symbol: "+") { return try unary() }
        return try primary()
    }

    mutating func primary() throws -> SQLExpression {
        let p = position
        switch current.kind {
        case .number(let n):
            index += 1
            return .literal(.number(n), p)
        case .string(let s):
            index += 1
            return .literal(.string(s), p)
        case .symbol("("):
            index += 1
            if isKeyword("SELECT") { throw SQLError("scalar subqueries are not supported yet", at: position) }
            let inner = try expression()
            try expect(symbol: ")", after: "an expression in parentheses")
            return inner
        case .symbol("*"):
            index += 1
            return .star(qualifier: nil, p)
        case .quotedIdentifier:
            return try columnReference()
        case .word(let word):
            switch word.uppercased() {
            case "NULL":
                index += 1
                return .literal(.null, p)
            case "TRUE", "FALSE":
                index += 1
                return .literal(.boolean(word.uppercased() == "TRUE"), p)
            case "CASE": return try caseExpression()
            case "CAST", "TRY_CAST":
                index += 1
                try expect(symbol: "(", after: "CAST")
                let value = try expression()
                try expect("AS", after: "CAST's value")
                let type = try dataType()
                try expect(symbol: ")", after: "the type")
                return .cast(value, type, p)
            case "EXTRACT":
                index += 1
                try expect(symbol: "(", after: "EXTRACT")
                guard let unit = current.keyword else { throw unexpected(expected: "a time unit") }
                index += 1
                try expect("FROM", after: "EXTRACT's unit")
                let value = try expression()
                try expect(symbol: ")")
                return .extract(unit: unit, value, p)
            case "INTERVAL":
                index += 1
                let quantity: String
                if case .number(let n) = current.kind {
                    quantity = n
                    index += 1
                } else {
                    quantity = try stringLiteral("a quantity in quotes, as INTERVAL '5' SECOND")
                }
                guard var unit = current.keyword,
                    ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "YEARS", "MONTHS", "DAYS", "HOURS", "MINUTES", "SECONDS"]
                        .contains(unit)
                else {
                    throw unexpected(expected: "a unit (DAY, HOUR, MINUTE, SECOND, ...)", after: "INTERVAL '\(quantity)'")
                }
                index += 1
                if unit.hasSuffix("S") { unit.removeLast() }  // DAYS is DAY
                if accept("TO") {
                    guard let to = current.keyword else { throw unexpected(expected: "a unit", after: "TO") }
                    index += 1
                    unit += " TO \(to)"
                }
                return .literal(.interval(quantity, unit: unit), p)
            case "TIMESTAMP", "DATE", "TIME":
                if case .string(let value) = tokens[index + 1].kind {
                    index += 2
                    return .literal(.typed(word.uppercased(), value: value), p)
                }
                return try columnOrCall()
            default:
                return try columnOrCall()
            }
        default:
            throw unexpected(expected: "an expression")
        }
    }

    mutating func caseExpression() throws -> SQLExpression {
        let p = position
        try expect("CASE")
        var operand: SQLExpression?
        if !isKeyword("WHEN") { operand = try expression() }
        var branches: [(when: SQLExpression, then: SQLExpression)] = []
        while accept("WHEN") {
            let condition = try expression()
            try expect("THEN", after: "WHEN's condition")
            branches.append((condition, try expression()))
        }
        guard !branches.isEmpty else { throw unexpected(expected: "WHEN", after: "CASE") }
        var otherwise: SQLExpression?
        if accept("ELSE") { otherwise = try expression() }
        try expect("END", after: "the CASE branches")
        return .caseWhen(operand: operand, branches: branches, otherwise: otherwise, p)
    }

    mutating func columnReference() throws -> SQLExpression {
        let p = position
        var parts = [try identifier("a column")]
        while accept(symbol: ".") {
            if accept(symbol: "*") { return .star(qualifier: parts.joined(separator: "."), p) }
            parts.append(try identifier("a field name"))
        }
        return .identifier(parts, p)
    }

    mutating func columnOrCall() throws -> SQLExpression {
        let p = position
        guard case .word(let word) = current.kind, case .symbol("(") = tokens[index + 1].kind else { return try columnReference() }
        index += 2
        let name = word.uppercased()
        var call = SQLFunctionCall(name: name, arguments: [], distinct: false, filter: nil, over: nil, position: p)
        if !accept(symbol: ")") {
            call.distinct = accept("DISTINCT")
            repeat { call.arguments.append(try functionArgument()) } while accept(symbol: ",")
            try expect(symbol: ")", after: "the arguments of \(name)")
        }
        if accept("FILTER") {
            try expect(symbol: "(", after: "FILTER")
            try expect("WHERE", after: "FILTER (")
            call.filter = try expression()
            try expect(symbol: ")", after: "the FILTER condition")
        }
        if accept("OVER") {
            try expect(symbol: "(", after: "OVER")
            var spec = SQLWindowSpec(partitionBy: [], orderBy: [])
            if accept("PARTITION") {
                try expect("BY")
                repeat { spec.partitionBy.append(try expression()) } while accept(symbol: ",")
            }
            if accept("ORDER") {
                try expect("BY")
                spec.orderBy = try orderItems()
            }
            if isKeyword("ROWS") || isKeyword("RANGE") {
                throw SQLError("window frames (ROWS/RANGE BETWEEN) are not supported yet", at: position)
            }
            try expect(symbol: ")", after: "the OVER clause")
            call.over = spec
        }
        return .call(call)
    }

    /// An argument: an expression, `TABLE name`, or `DESCRIPTOR(columns)`.
    mutating func functionArgument() throws -> SQLExpression {
        let p = position
        if isKeyword("TABLE") {
            index += 1
            let name = try qualifiedName("a table name")
            var partition: [String] = []
            if accept("PARTITION") {
                try expect("BY", after: "PARTITION")
                if accept(symbol: "(") {
                    repeat { partition.append(try identifier("a column")) } while accept(symbol: ",")
                    try expect(symbol: ")", after: "the PARTITION BY columns")
                } else {
                    partition.append(try identifier("a column"))
                }
            }
            return .tableArgument(name, partitionBy: partition, p)
        }
        if isKeyword("DESCRIPTOR"), case .symbol("(") = tokens[index + 1].kind {
            index += 2
            var columns = [try identifier("a column")]
            while accept(symbol: ",") { columns.append(try identifier("a column")) }
            try expect(symbol: ")", after: "DESCRIPTOR's columns")
            return .descriptor(columns, p)
        }
        return try expression()
    }
}
