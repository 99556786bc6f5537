// The data plane's wire protocol: length-prefixed frames multiplexing many channels over one
// TCP connection between two TaskManagers.

import NIOCore
import RivuletRuntime
import RivuletCore

/// Identifies one subpartition: what producer subtask `producer` of edge `edge` sends to
/// consumer subtask `consumer`, in run `attempt` of job `jobID`.
package struct SubpartitionKey: Hashable, Sendable, CustomStringConvertible {
    package let jobID: String
    package let attempt: Int
    package let edge: Int
    package let producer: Int
    package let consumer: Int

    package init(jobID: String, attempt: Int, edge: Int, producer: Int, consumer: Int) {
        self.jobID = jobID
        self.attempt = attempt
        self.edge = edge
        self.producer = producer
        self.consumer = consumer
    }

    package var description: String { "job \(jobID.prefix(8)) attempt \(attempt) edge \(edge) \(producer)->\(consumer)" }
}

/// An in-band event of a channel.
package enum NetworkEvent: Sendable, Equatable {
    case watermark(Int64)
    case status(WatermarkStatus)
    case barrier(CheckpointBarrier)
    case endOfPartition
}

/// A malformed frame, or a frame that breaks the protocol.
package struct NetworkProtocolError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// One frame: `length (4 bytes, big-endian, excluding itself) ‖ type (1 byte) ‖ payload`.
/// Consumers send requests and credits; producers send buffers, events and errors, each
/// tagged with the stream id the consumer chose for the subpartition on this connection.
package enum NetworkMessage: Sendable, Equatable {
    /// Consumer -> producer: send subpartition `key` on this connection as `stream`, starting
    /// with `credits` buffers of credit.
    case partitionRequest(stream: UInt32, key: SubpartitionKey, credits: UInt32)
    /// Consumer -> producer: the consumer freed `credits` more buffers of `stream`.
    case addCredit(stream: UInt32, credits: UInt32)
    /// Consumer -> producer: the consumer gave up on `stream`.
    case cancelRequest(stream: UInt32)
    /// Producer -> consumer: one buffer of serialized records (costs one credit).
    case buffer(stream: UInt32, ByteBuffer)
    /// Producer -> consumer: an in-band event (no credit).
    case event(stream: UInt32, NetworkEvent)
    /// Producer -> consumer: the subpartition failed; the consumer's task fails with `message`.
    case error(stream: UInt32, message: String)

    /// Frames larger than this are refused (a record above 64 MiB is a bug, not data).
    package static let maxFrameLength = 64 << 20

    enum Kind: UInt8 {
        case partitionRequest = 1
        case addCredit
        case cancelRequest
        case buffer
        case event
        case error
    }

    /// Appends the frame to `out`.
    package func write(to out: inout ByteBuffer) {
        let start = out.writerIndex
        out.writeInteger(UInt32(0))
        switch self {
        case .partitionRequest(let stream, let key, let credits):
            out.writeInteger(Kind.partitionRequest.rawValue)
            out.writeInteger(stream)
            out.writeInteger(credits)
            Self.writeString(key.jobID, to: &out)
            out.writeInteger(Int32(truncatingIfNeeded: key.attempt))
            out.writeInteger(Int32(truncatingIfNeeded: key.edge))
            out.writeInteger(Int32(truncatingIfNeeded: key.producer))
            out.writeInteger(Int32(truncatingIfNeeded: key.consumer))
        case .addCredit(let stream, let credits):
            out.writeInteger(Kind.addCredit.rawValue)
            out.writeInteger(stream)
            out.writeInteger(credits)
        case .cancelRequest(let stream):
            out.writeInteger(Kind.cancelRequest.rawValue)
            out.writeInteger(stream)
        case .buffer(let stream, var payload):
            out.moveWriterIndex(to: start)
            Self.writeBufferHeader(stream: stream, payloadLength: payload.readableBytes, to: &out)
            out.writeBuffer(&payload)
            return
        case .event(let stream, let event):
            out.writeInteger(Kind.event.rawValue)
            out.writeInteger(stream)
            switch event {
            case .watermark(let w):
                out.writeInteger(UInt8(1))
                out.writeInteger(w)
            case .status(let s):
                out.writeInteger(UInt8(2))
                out.writeInteger(UInt8(s == .idle ? 1 : 0))
            case .barrier(let b):
                out.writeInteger(UInt8(3))
                out.writeInteger(b.checkpointID)
                out.writeInteger(b.timestamp)
                out.writeInteger(UInt8(b.isSavepoint ? 1 : 0))
            case .endOfPartition:
                out.writeInteger(UInt8(4))
            }
        case .error(let stream, let message):
            out.writeInteger(Kind.error.rawValue)
            out.writeInteger(stream)
            Self.writeString(message, to: &out)
        }
        out.setInteger(UInt32(out.writerIndex - start - 4), at: start)
    }

    /// Writes the header of a buffer frame whose `payloadLength` bytes follow (saves a copy).
    package static func writeBufferHeader(stream: UInt32, payloadLength: Int, to out: inout ByteBuffer) {
        out.writeInteger(UInt32(1 + 4 + payloadLength))
        out.writeInteger(Kind.buffer.rawValue)
        out.writeInteger(stream)
    }

    /// Reads one frame's body (the bytes after the length prefix).
    package static func read(frame: inout ByteBuffer) throws -> NetworkMessage {
        guard let raw: UInt8 = frame.readInteger(), let kind = Kind(rawValue: raw) else {
            throw NetworkProtocolError("unknown data-plane frame type")
        }
        let stream: UInt32 = try frame.readInteger().orThrow("stream id")
        switch kind {
        case .partitionRequest:
            let credits: UInt32 = try frame.readInteger().orThrow("credits")
            let job = try readString(&frame)
            let attempt: Int32 = try frame.readInteger().orThrow("attempt")
            let edge: Int32 = try frame.readInteger().orThrow("edge")
            let producer: Int32 = try frame.readInteger().orThrow("producer")
            let consumer: Int32 = try frame.readInteger().orThrow("consumer")
            return .partitionRequest(
                stream: stream,
                key: SubpartitionKey(
                    jobID: job, attempt: Int(attempt), edge: Int(edge),
                    producer: Int(producer), consumer: Int(consumer)),
                credits: credits)
        case .addCredit:
            return .addCredit(stream: stream, credits: try frame.readInteger().orThrow("credits"))
        case .cancelRequest:
            return .cancelRequest(stream: stream)
        case .buffer:
            return .buffer(stream: stream, frame.readSlice(length: frame.readableBytes) ?? ByteBuffer())
        case .event:
            let tag: UInt8 = try frame.readInteger().orThrow("event type")
            switch tag {
            case 1: return .event(stream: stream, .watermark(try frame.readInteger().orThrow("watermark")))
            case 2:
                let idle: UInt8 = try frame.readInteger().orThrow("watermark status")
                return .event(stream: stream, .status(idle == 1 ? .idle : .active))
            case 3:
                let id: Int64 = try frame.readInteger().orThrow("checkpoint id")
                let timestamp: Int64 = try frame.readInteger().orThrow("barrier timestamp")
                let savepoint: UInt8 = try frame.readInteger().orThrow("savepoint flag")
                return .event(stream: stream, .barrier(CheckpointBarrier(checkpointID: id, timestamp: timestamp, isSavepoint: savepoint == 1)))
            case 4: return .event(stream: stream, .endOfPartition)
            default: throw NetworkProtocolError("unknown data-plane event type \(tag)")
            }
        case .error:
            return .error(stream: stream, message: try readString(&frame))
        }
    }

    static func writeString(_ s: String, to out: inout ByteBuffer) {
        let bytes = Array(s.utf8)
        out.writeInteger(UInt32(bytes.count))
        out.writeBytes(bytes)
    }

    static func readString(_ frame: inout ByteBuffer) throws -> String {
        let n: UInt32 = try frame.readInteger().orThrow("string length")
        guard let s = frame.readString(length: Int(n)) else { throw NetworkProtocolError("truncated string in data-plane frame") }
        return s
    }
}

extension Optional {
    func orThrow(_ what: String) throws -> Wrapped {
        guard let self else { throw NetworkProtocolError("truncated data-plane frame: missing \(what)") }
        return self
    }
}

/// Splits the byte stream into frames and decodes them.
struct NetworkMessageDecoder: ByteToMessageDecoder {
    typealias InboundOut = NetworkMessage

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length: UInt32 = buffer.getInteger(at: buffer.readerIndex) else { return .needMoreData }
        guard Int(length) <= NetworkMessage.maxFrameLength else {
            throw NetworkProtocolError("data-plane frame of \(length) bytes exceeds the limit of \(NetworkMessage.maxFrameLength)")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        guard var frame = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(try NetworkMessage.read(frame: &frame)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

extension NetworkEvent {
    /// The stream element this event stands for.
    package var streamElement: StreamElement {
        switch self {
        case .watermark(let w): return .watermark(w)
        case .status(let s): return .watermarkStatus(s)
        case .barrier(let b): return .barrier(b)
        case .endOfPartition: return .endOfPartition
        }
    }

    /// The event of a stream element, nil for records.
    package init?(_ element: StreamElement) {
        switch element {
        case .records: return nil
        case .watermark(let w): self = .watermark(w)
        case .watermarkStatus(let s): self = .status(s)
        case .barrier(let b): self = .barrier(b)
        case .endOfPartition: self = .endOfPartition
        }
    }
}
