/// A dictionary keyed by raw bytes, looked up without making a String or an
/// Array: the import loop resolves each row's unit, metric and basis through
/// it. Swift hashes a non-ASCII String by normalizing it first, which measured
/// as a visible share of a bulk import (BENCHMARKS.md).
struct ByteKeyedCache<Value> {
    private var entries: [UInt64: [(key: [UInt8], value: Value)]] = [:]

    func value(for bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        guard let bucket = entries[Self.hash(bytes)] else { return nil }
        for entry in bucket where entry.key.count == bytes.count {
            let equal = entry.key.withUnsafeBufferPointer { key in
                bytes.isEmpty || memcmp(key.baseAddress!, bytes.baseAddress!, bytes.count) == 0
            }
            if equal { return entry.value }
        }
        return nil
    }

    mutating func insert(_ value: Value, for bytes: UnsafeBufferPointer<UInt8>) {
        entries[Self.hash(bytes), default: []].append((Array(bytes), value))
    }

    /// FNV-1a, 64-bit.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

#if canImport(Glibc)
import Glibc
#endif
