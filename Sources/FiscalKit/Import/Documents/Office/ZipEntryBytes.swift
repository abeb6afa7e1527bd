import Foundation
import ZIPFoundation

/// One ZIP entry's bytes, inflated from exactly the bytes the central directory
/// gives it and no further.
///
/// Why not `Archive.extract`: ZIPFoundation's inflate loop on Linux reads on
/// past the entry until the deflate stream says it has ended, and at the end of
/// the file it is handed empty chunks for ever — a truncated or damaged stream
/// (found by fuzzing, `Fixtures/fuzz/office/hang-truncated-deflate.xlsx`) spins
/// the CPU and never returns. Here the input is the entry's own compressed
/// bytes; asking for more than those is an error, so every entry ends.
enum ZipEntryBytes {
    struct Damaged: Error, CustomStringConvertible {
        let description: String
    }

    /// The inflated bytes of the first central-directory entry named `name`,
    /// with its CRC-32 checked; `consume` sees each inflated chunk (and may
    /// throw to stop, e.g. past a size cap). Nil when no entry has the name.
    static func read(_ name: String, in file: Data, chunkSize: Int = 1 << 16,
                     consume: (Data) throws -> Void) throws -> Bool {
        guard let stored = try storedBytes(name, in: file) else { return false }
        let checksum: CRC32
        switch stored.method {
        case 0:
            try consume(stored.bytes)
            checksum = stored.bytes.crc32(checksum: 0)
        case 8:
            let bytes = stored.bytes
            checksum = try Data.decompress(
                size: Int64(bytes.count), bufferSize: chunkSize, skipCRC32: false,
                provider: { position, size in try chunk(of: bytes, at: Int(position), size: size, name: name) },
                consumer: consume)
        default:
            throw Damaged(description: "'\(name)' uses compression method \(stored.method), which Office files do not")
        }
        if checksum != stored.crc32 {
            throw Damaged(description: "'\(name)' fails its CRC-32 check")
        }
        return true
    }

    /// `size` bytes of an entry's compressed data from `position`, the part
    /// past its end zeros. ZIPFoundation's inflate loop (Linux) tells zlib that
    /// `size` bytes are there whatever the chunk holds, and zlib read past a
    /// short chunk into whatever memory followed (a fuzz crash,
    /// Fixtures/fuzz/office/crash-inflate-past-chunk.xlsx). The zeros make the
    /// claim true: a stream that has not ended by its own bytes then fails on
    /// them (or its CRC-32) as damaged; asked past the end, it is damaged.
    static func chunk(of bytes: Data, at position: Int, size: Int, name: String) throws -> Data {
        let start = bytes.startIndex + position
        guard start < bytes.endIndex else {
            throw Damaged(description: "the compressed data of '\(name)' ends before its stream does")
        }
        var chunk = bytes.subdata(in: start..<min(start + size, bytes.endIndex))
        if chunk.count < size { chunk.append(Data(count: size - chunk.count)) }
        return chunk
    }

    /// The stored (compressed) bytes of the entry `name`, located through the
    /// central directory and the entry's local header; nil when absent.
    static func storedBytes(_ name: String, in file: Data) throws -> (method: UInt16, crc32: UInt32, bytes: Data)? {
        let bytes = [UInt8](file)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func damaged(_ what: String) -> Damaged { Damaged(description: what) }

        // The end-of-central-directory record: the last one in the file's final 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw damaged("too short for a ZIP archive") }
        var end = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while end >= lowest, u32(end) != 0x0605_4B50 { end -= 1 }
        guard end >= lowest else { throw damaged("no end-of-central-directory record") }
        let entryCount = u16(end + 10)
        var record = u32(end + 16)
        let wanted = Array(name.utf8)
        for _ in 0..<entryCount {
            guard record + 46 <= bytes.count, u32(record) == 0x0201_4B50 else {
                throw damaged("a central-directory record is out of place")
            }
            let method = UInt16(u16(record + 10))
            let crc = UInt32(u32(record + 16))
            let compressedSize = u32(record + 20)
            let nameLength = u16(record + 28)
            let next = record + 46 + nameLength + u16(record + 30) + u16(record + 32)
            guard record + 46 + nameLength <= bytes.count else { throw damaged("a central-directory name runs past the end") }
            if bytes[(record + 46)..<(record + 46 + nameLength)].elementsEqual(wanted) {
                if compressedSize == 0xFFFF_FFFF { throw damaged("'\(name)' is a ZIP64 entry, which Office files are not") }
                let local = u32(record + 42)
                guard local + 30 <= bytes.count, u32(local) == 0x0403_4B50 else {
                    throw damaged("the local header of '\(name)' is missing")
                }
                let start = local + 30 + u16(local + 26) + u16(local + 28)
                guard start + compressedSize <= bytes.count else {
                    throw damaged("'\(name)' runs past the end of the file (truncated?)")
                }
                return (method, crc, file.subdata(in: (file.startIndex + start)..<(file.startIndex + start + compressedSize)))
            }
            record = next
        }
        return nil
    }
}
