// The JobMaster's waits: woken by changes, not by polling; a deadline ends them.

import Foundation
@testable import RivuletCluster
import Synchronization
import XCTest

/// A counter that tasks share.
final class SharedCounter: Sendable {
    let value = Mutex(0)
}

final class ChangeSignalTests: XCTestCase {
    func testAWaitEndsWhenAChangeMakesItsConditionTrue() async {
        let signal = ChangeSignal()
        let counter = SharedCounter()
        let waiter = Task { await signal.wait(until: .now + .seconds(60)) { counter.value.withLock { $0 } >= 3 } }
        for _ in 1...3 {
            counter.value.withLock { $0 += 1 }
            signal.notifyAll()
            await Task.yield()
        }
        let satisfied = await waiter.value
        XCTAssertTrue(satisfied)
    }

    func testAWaitWhoseConditionNeverHoldsEndsAtItsDeadline() async {
        let signal = ChangeSignal()
        let satisfied = await signal.wait(until: .now + .milliseconds(50)) { false }
        XCTAssertFalse(satisfied)
        let already = await signal.wait(until: .now) { true }
        XCTAssertTrue(already, "a condition that holds at once is not waited for, whatever the deadline")
    }

    func testManyWaitersAndChangesLoseNoWakeUp() async {
        let signal = ChangeSignal()
        let counter = SharedCounter()
        let results = await withTaskGroup(of: Bool.self) { group in
            for target in 1...50 {
                group.addTask { await signal.wait(until: .now + .seconds(60)) { counter.value.withLock { $0 } >= target } }
            }
            group.addTask {
                for _ in 1...50 {
                    counter.value.withLock { $0 += 1 }
                    signal.notifyAll()
                }
                return true
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        XCTAssertEqual(results.count, 51)
        XCTAssertTrue(results.allSatisfy { $0 }, "every waiter saw its condition hold")
    }
}
