import Foundation

extension FiscalDatabase {
    /// `work(database, index)` for every index below `count`, on two threads
    /// (the machines this runs on have two cores and SQLite runs a query on
    /// one): the first thread reads through this connection, the second
    /// through its own read-only connection to the same file, and each takes
    /// the next index when done. Results in index order; the first error
    /// stops both threads and is thrown. For independent reads only: the
    /// report's pages, the summary's indicators.
    public func concurrentMap<T>(_ count: Int, _ work: @Sendable (FiscalDatabase, Int) throws -> T) throws -> [T] {
        let results = ConcurrentResults<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: min(2, count)) { worker in
            do {
                let database = worker == 0 ? self : try FiscalDatabase.open(path: path, readOnly: true)
                while let index = results.next() { results.set(index, try work(database, index)) }
            } catch {
                results.fail(error)
            }
        }
        return try results.values()
    }
}

/// `work(i)` for every i below `count` (1 or 2: the machines have two cores),
/// each on its own thread; results in order, the first error thrown. For
/// work that needs no connection: a large table's halves, a file's hash beside its UTF-8 check.
func inParallel<T>(_ count: Int, _ work: @Sendable (Int) throws -> T) throws -> [T] {
    guard count > 1 else { return try (0..<count).map(work) }
    let results = ConcurrentResults<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { index in
        do { results.set(index, try work(index)) } catch { results.fail(error) }
    }
    return try results.values()
}

/// The slots ``FiscalDatabase/concurrentMap(_:_:)`` and ``inParallel(_:_:)`` fill, behind a lock.
final class ConcurrentResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var slots: [T?]
    private var error: (any Error)?

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// The next index to work on; nil when none is left or a thread failed.
    func next() -> Int? {
        lock.withLock {
            guard error == nil, nextIndex < slots.count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    func set(_ index: Int, _ value: T) { lock.withLock { slots[index] = value } }
    func fail(_ failure: any Error) { lock.withLock { if error == nil { error = failure } } }

    func values() throws -> [T] {
        try lock.withLock {
            if let error { throw error }
            return slots.map { $0! }
        }
    }
}
