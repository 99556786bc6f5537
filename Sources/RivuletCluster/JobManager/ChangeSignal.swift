// An async condition variable: tasks wait for a condition on some guarded state, woken by the code that changes it.

import Synchronization

/// Wakes the tasks waiting for a change of some state guarded elsewhere. A waiter re-checks
/// its condition after every `notifyAll()` and gives up at its deadline, so the code that
/// changes the state only has to call `notifyAll()` after each change: no polling.
final class ChangeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }
    private let state = Mutex(State())

    /// How many notifications there were (for tests).
    var notifications: UInt64 { state.withLock { $0.generation } }

    /// Wakes every task waiting now.
    func notifyAll() {
        let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.generation &+= 1
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns true as soon as `condition()` holds, false when `deadline` passes first.
    func wait(until deadline: ContinuousClock.Instant, for condition: () -> Bool) async -> Bool {
        while true {
            // A change after this read wakes the wait below at once: no notification is lost
            // between checking the condition and starting to wait.
            let seen = state.withLock { $0.generation }
            if condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            let id = state.withLock { s -> UInt64 in
                s.nextWaiter &+= 1
                return s.nextWaiter
            }
            let timer = Task { [weak self] in
                try? await Task.sleep(until: deadline)
                self?.resume(id)
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let changed = state.withLock { s -> Bool in
                    guard s.generation == seen else { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if changed { continuation.resume() }
            }
            timer.cancel()
        }
    }

    private func resume(_ id: UInt64) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
    }
}
