// The data plane's frames: every message survives encoding, split delivery and decoding.

import NIOCore
import NIOEmbedded
import RivuletCore
@testable import RivuletNetwork
import XCTest

final class NetworkMessageTests: XCTestCase {
    let messages: [NetworkMessage] = [
        .partitionRequest(stream: 7, key: SubpartitionKey(jobID: "job-ä", attempt: 3, edge: 2, producer: 1, consumer: 4), credits: 8),
        .addCredit(stream: 7, credits: 1),
        .cancelRequest(stream: 9),
        .buffer(stream: 7, ByteBuffer(bytes: [1, 2, 3, 255])),
        .buffer(stream: 8, ByteBuffer()),
        .event(stream: 7, .watermark(-5)),
        .event(stream: 7, .status(.idle)),
        .event(stream: 7, .status(.active)),
        .event(stream: 7, .barrier(CheckpointBarrier(checkpointID: 12, timestamp: 99, isSavepoint: true))),
        .event(stream: 7, .endOfPartition),
        .error(stream: 7, message: "subpartition released"),
    ]

    /// Frames written back to back and read through the decoder one byte at a time.
    func testEveryMessageRoundTripsThroughTheDecoder() throws {
        var wire = ByteBuffer()
        for m in messages { m.write(to: &wire) }
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(NetworkMessageDecoder()))
        while let byte = wire.readSlice(length: 1) {
            try channel.writeInbound(byte)
        }
        var decoded: [NetworkMessage] = []
        while let m = try channel.readInbound(as: NetworkMessage.self) { decoded.append(m) }
        XCTAssertEqual(decoded, messages)
    }

    /// A buffer frame written with the header helper reads back as the same buffer message.
    func testBufferHeaderMatchesTheBufferFrame() throws {
        var viaHelper = ByteBuffer()
        NetworkMessage.writeBufferHeader(stream: 3, payloadLength: 2, to: &viaHelper)
        viaHelper.writeBytes([9, 8])
        var viaMessage = ByteBuffer()
        NetworkMessage.buffer(stream: 3, ByteBuffer(bytes: [9, 8])).write(to: &viaMessage)
        XCTAssertEqual(viaHelper, viaMessage)
    }

    func testOversizedAndUnknownFramesAreRefused() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(NetworkMessageDecoder()))
        var huge = ByteBuffer()
        huge.writeInteger(UInt32(NetworkMessage.maxFrameLength + 1))
        XCTAssertThrowsError(try channel.writeInbound(huge)) { XCTAssertTrue("\($0)".contains("exceeds"), "\($0)") }
        var unknown = ByteBuffer()
        unknown.writeInteger(UInt32(5))
        unknown.writeInteger(UInt8(99))
        unknown.writeInteger(UInt32(1))
        unknown.moveReaderIndex(forwardBy: 4)
        XCTAssertThrowsError(try NetworkMessage.read(frame: &unknown)) { XCTAssertTrue("\($0)".contains("unknown"), "\($0)") }
    }
}
