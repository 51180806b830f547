#if MySQL
import CMariaDB
import SokboCore

/// The C memory behind one execution's parameters: a `MYSQL_BIND` per value, pointing into buffers
/// this object owns. It must outlive `mysql_stmt_execute`. Text is copied into one contiguous block,
/// so a 1,000-row insert costs a handful of allocations, not one per value.
final class MySQLParameterBuffers {
    /// The binds, in placeholder order.
    let binds: UnsafeMutableBufferPointer<MYSQL_BIND>
    private let lengths: UnsafeMutableBufferPointer<UInt>
    private let integers: UnsafeMutableBufferPointer<Int64>
    private let reals: UnsafeMutableBufferPointer<Double>
    private let bytes: UnsafeMutableRawBufferPointer

    /// Lays out the values.
    init(_ values: [SQLValue]) {
        let count = max(values.count, 1)
        binds = .allocate(capacity: count)
        binds.initialize(repeating: MYSQL_BIND())
        lengths = .allocate(capacity: count)
        lengths.initialize(repeating: 0)
        integers = .allocate(capacity: count)
        integers.initialize(repeating: 0)
        reals = .allocate(capacity: count)
        reals.initialize(repeating: 0)
        var total = 0
        for case .text(let text) in values { total += text.utf8.count }
        bytes = .allocate(byteCount: max(total, 1), alignment: 1)

        guard let bindBase = binds.baseAddress, let lengthBase = lengths.baseAddress,
              let integerBase = integers.baseAddress, let realBase = reals.baseAddress,
              let byteBase = bytes.baseAddress else { return }
        var offset = 0
        for (index, value) in values.enumerated() {
            switch value {
            case .integer(let number):
                integerBase[index] = number
                bindBase[index].buffer_type = MYSQL_TYPE_LONGLONG
                bindBase[index].buffer = UnsafeMutableRawPointer(integerBase + index)
            case .real(let number):
                realBase[index] = number
                bindBase[index].buffer_type = MYSQL_TYPE_DOUBLE
                bindBase[index].buffer = UnsafeMutableRawPointer(realBase + index)
            case .text(let text):
                let target = byteBase + offset
                let count = text.utf8.count
                if count > 0 {
                    let copied: Void? = text.utf8.withContiguousStorageIfAvailable { source in
                        target.copyMemory(from: source.baseAddress!, byteCount: source.count)
                    }
                    if copied == nil {
                        UnsafeMutableRawBufferPointer(start: target, count: count).copyBytes(from: text.utf8)
                    }
                }
                lengthBase[index] = UInt(count)
                bindBase[index].buffer_type = MYSQL_TYPE_STRING
                bindBase[index].buffer = target
                bindBase[index].buffer_length = UInt(count)
                bindBase[index].length = lengthBase + index
                offset += count
            case .null:
                bindBase[index].buffer_type = MYSQL_TYPE_NULL
            }
        }
    }

    deinit {
        binds.deallocate()
        lengths.deallocate()
        integers.deallocate()
        reals.deallocate()
        bytes.deallocate()
    }
}

/// The C memory that receives one result row at a time, typed by the result's column types.
final class MySQLResultBuffers {
    private enum Kind {
        case integer(unsigned: Bool)
        case real
        case decimal
        case text
    }

    /// The binds, one per column.
    let binds: UnsafeMutableBufferPointer<MYSQL_BIND>
    /// Columns in the result.
    let count: Int
    private let kinds: [Kind]
    private let lengths: UnsafeMutableBufferPointer<UInt>
    private let nulls: UnsafeMutableBufferPointer<my_bool>
    private let truncations: UnsafeMutableBufferPointer<my_bool>
    private let storage: [UnsafeMutableRawBufferPointer]

    /// Sizes a buffer per column; text buffers from `max_length` (known after `mysql_stmt_store_result`).
    init(fields: UnsafeMutablePointer<MYSQL_FIELD>?, count: Int) {
        self.count = fields == nil ? 0 : count
        let capacity = max(self.count, 1)
        binds = .allocate(capacity: capacity)
        binds.initialize(repeating: MYSQL_BIND())
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0)
        nulls = .allocate(capacity: capacity)
        nulls.initialize(repeating: 0)
        truncations = .allocate(capacity: capacity)
        truncations.initialize(repeating: 0)
        var kinds: [Kind] = []
        var storage: [UnsafeMutableRawBufferPointer] = []
        for index in 0..<self.count {
            let field = fields![index]
            let kind: Kind
            switch field.type {
            case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_INT24, MYSQL_TYPE_LONGLONG, MYSQL_TYPE_YEAR:
                kind = .integer(unsigned: field.flags & UInt32(UNSIGNED_FLAG) != 0)
            case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE:
                kind = .real
            case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL:
                kind = .decimal
            default:
                kind = .text
            }
            let size: Int
            switch kind {
            case .integer(let unsigned):
                size = 8
                binds[index].buffer_type = MYSQL_TYPE_LONGLONG
                binds[index].is_unsigned = unsigned ? 1 : 0
            case .real:
                size = 8
                binds[index].buffer_type = MYSQL_TYPE_DOUBLE
            case .decimal, .text:
                size = Int(field.max_length) + 1
                binds[index].buffer_type = MYSQL_TYPE_STRING
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
            binds[index].buffer = buffer.baseAddress
            binds[index].buffer_length = UInt(size)
            binds[index].length = lengths.baseAddress! + index
            binds[index].is_null = nulls.baseAddress! + index
            binds[index].error = truncations.baseAddress! + index
            kinds.append(kind)
            storage.append(buffer)
        }
        self.kinds = kinds
        self.storage = storage
    }

    deinit {
        for buffer in storage { buffer.deallocate() }
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
        truncations.deallocate()
    }

    /// The value of a column in the row just fetched.
    func value(at column: Int, statement: UnsafeMutablePointer<MYSQL_STMT>) throws -> SQLValue {
        guard nulls[column] == 0 else { return .null }
        let buffer = storage[column]
        switch kinds[column] {
        case .integer(let unsigned):
            let bits = buffer.load(as: Int64.self)
            guard unsigned, bits < 0 else { return .integer(bits) }
            return .text(String(UInt64(bitPattern: bits)))
        case .real:
            return .real(buffer.load(as: Double.self))
        case .decimal:
            let text = try self.text(at: column, statement: statement)
            return Double(text).map(SQLValue.real) ?? .text(text)
        case .text:
            return .text(try text(at: column, statement: statement))
        }
    }

    private func text(at column: Int, statement: UnsafeMutablePointer<MYSQL_STMT>) throws -> String {
        let length = Int(lengths[column])
        let buffer = storage[column]
        if length <= buffer.count {
            return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[0..<length]), as: UTF8.self)
        }
        // Longer than max_length promised (should not happen after store_result): fetch it whole.
        let whole = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 1)
        defer { whole.deallocate() }
        var bind = MYSQL_BIND()
        var fetched: UInt = 0
        bind.buffer_type = MYSQL_TYPE_STRING
        bind.buffer = whole.baseAddress
        bind.buffer_length = UInt(length)
        return try withUnsafeMutablePointer(to: &fetched) { fetchedLength in
            bind.length = fetchedLength
            guard mysql_stmt_fetch_column(statement, &bind, UInt32(column), 0) == 0 else {
                throw MySQLError(statement: statement, context: "fetch column \(column)")
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: whole[0..<min(length, Int(fetchedLength.pointee))]), as: UTF8.self)
        }
    }
}
#endif
