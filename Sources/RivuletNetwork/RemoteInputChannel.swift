// The consumer's end of one network channel: decodes buffers into the task's inbox and
// returns a credit each time the task takes a batch.

import NIOCore
import RivuletRuntime

/// One input channel of a consumer task fed by a producer on another TaskManager.
package final class RemoteInputChannel: Sendable {
    package let key: SubpartitionKey
    let inbox: TaskInbox
    let channel: Int
    let codec: RecordCodec

    package init(key: SubpartitionKey, inbox: TaskInbox, channel: Int, codec: RecordCodec) {
        self.key = key
        self.inbox = inbox
        self.channel = channel
        self.codec = codec
    }

    /// A buffer of records arrived (event loop): the credits bound how many can be queued.
    func received(buffer: ByteBuffer) {
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        do {
            inbox.offer(.records(try codec.decode(bytes)), channel: channel)
        } catch {
            inbox.fail(NetworkChannelError("cannot decode \(codec.typeName) records from \(key): \(error)"))
        }
    }

    func received(event: NetworkEvent) {
        inbox.offer(event.streamElement, channel: channel)
    }

    /// The producer side failed or the connection broke: the consumer task fails.
    func failed(_ reason: String) {
        inbox.fail(NetworkChannelError(reason))
    }
}
