import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The text encoding of an imported file. Excel in China writes CSV as GB18030
/// (GBK); everything else writes UTF-8, with or without a byte-order mark.
public enum TextEncoding: String, Sendable {
    case utf8 = "utf-8"
    case gb18030 = "gb18030"
}

/// What one streaming pass over a file learns before anything is imported: its
/// SHA-256 (idempotent re-imports), its size and its encoding.
public struct FileFingerprint: Sendable {
    public var sha256: String
    public var byteCount: Int
    public var encoding: TextEncoding
    public var hasByteOrderMark: Bool
    /// The first bytes, for format sniffing.
    public var head: [UInt8]

    /// Reads the file in blocks (memory does not grow with its size) twice at
    /// once, on two threads: one hashes it, the other checks that it is UTF-8.
    /// One after the other they were a twentieth of a 1 M-row import, before
    /// its first row (perf, BENCHMARKS.md); the second read comes from the page cache.
    public static func of(path: String) throws -> FileFingerprint {
        enum Part { case hashed(digest: String, head: [UInt8], total: Int), validated(Bool) }
        let parts = try inParallel(2) { task -> Part in
            let file = try FileBlockReader(path: path)
            var block: [UInt8] = []
            if task == 0 {
                var head: [UInt8] = []
                var total = 0
                let digest = try sha256(of: file) { block in
                    if head.count < 4096 { head.append(contentsOf: block.prefix(4096 - head.count)) }
                    total += block.count
                }
                return .hashed(digest: digest, head: head, total: total)
            }
            var validator = UTF8Validator()
            while validator.isValid, try file.read(into: &block) > 0 {
                block.withUnsafeBufferPointer { validator.consume($0) }
            }
            return .validated(validator.isValid && validator.isComplete)
        }
        guard case let .hashed(digest, head, total) = parts[0], case let .validated(isUTF8) = parts[1]
        else { preconditionFailure("each task returns its own part") }
        return FileFingerprint(sha256: digest, byteCount: total, encoding: isUTF8 ? .utf8 : .gb18030,
                               hasByteOrderMark: head.starts(with: [0xEF, 0xBB, 0xBF]), head: head)
    }

    /// The SHA-256 (hex) of the rest of `file`, each block also handed to `eachBlock`.
    static func sha256(of file: FileBlockReader, eachBlock: ([UInt8]) -> Void = { _ in }) throws -> String {
        var block: [UInt8] = []
        var hasher = SHA256()
        while try file.read(into: &block) > 0 {
            block.withUnsafeBufferPointer { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            eachBlock(block)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

extension FileFingerprint {
    /// The file's first bytes and size, without its SHA-256 (empty), taken
    /// for UTF-8 because its first block is: a tidy CSV's import begins with
    /// this while ``PendingSHA256`` hashes the file and the reading checks
    /// the rest is UTF-8. Nil when the first block is not UTF-8.
    static func opening(path: String) throws -> FileFingerprint? {
        let file = try FileBlockReader(path: path)
        var block: [UInt8] = []
        _ = try file.read(into: &block)
        var validator = UTF8Validator()
        block.withUnsafeBufferPointer { validator.consume($0) }
        guard validator.isValid else { return nil }       // an unfinished last character is fine here
        var info = stat()
        guard stat(path, &info) == 0 else { throw FiscalError.file(path, String(cString: strerror(errno))) }
        let head = Array(block.prefix(4096))
        return FileFingerprint(sha256: "", byteCount: Int(info.st_size), encoding: .utf8,
                               hasByteOrderMark: head.starts(with: [0xEF, 0xBB, 0xBF]), head: head)
    }
}

/// A file's SHA-256 taken on a thread of its own while a tidy CSV's rows are
/// read and written: waiting for it before the first row was 4 % of a 1 M-row
/// import (BENCHMARKS.md).
final class PendingSHA256: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<String, any Error>?

    init(path: String) {
        let thread = Thread { [self] in
            let taken = Result { try FileFingerprint.sha256(of: FileBlockReader(path: path)) }
            condition.withLock {
                result = taken
                condition.broadcast()
            }
        }
        thread.start()
    }

    /// The digest if it has been taken, else nil.
    func ifTaken() throws -> String? {
        try condition.withLock { try result?.get() }
    }

    /// The digest, once taken.
    func wait() throws -> String {
        try condition.withLock {
            while result == nil { condition.wait() }
            return try result!.get()
        }
    }
}

/// Incremental UTF-8 validation across block boundaries (ASCII fast path).
struct UTF8Validator {
    private(set) var isValid = true
    private var pending = 0          // continuation bytes still expected
    private var lowerBound: UInt8 = 0x80
    private var upperBound: UInt8 = 0xBF

    var isComplete: Bool { pending == 0 }

    mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        let count = bytes.count
        while index < count {
            // Eight ASCII bytes at a time while no sequence is open.
            if pending == 0 && index + 8 <= count {
                let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 { index += 8; continue }
            }
            let byte = bytes[index]
            index += 1
            if pending == 0 {
                if byte < 0x80 { continue }
                lowerBound = 0x80; upperBound = 0xBF
                switch byte {
                case 0xC2...0xDF: pending = 1
                case 0xE0: pending = 2; lowerBound = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: pending = 2
                case 0xED: pending = 2; upperBound = 0x9F
                case 0xF0: pending = 3; lowerBound = 0x90
                case 0xF1...0xF3: pending = 3
                case 0xF4: pending = 3; upperBound = 0x8F
                default: isValid = false; return
                }
            } else {
                guard byte >= lowerBound && byte <= upperBound else { isValid = false; return }
                lowerBound = 0x80; upperBound = 0xBF
                pending -= 1
            }
        }
    }
}

/// Reads a file in fixed-size blocks with read(2).
final class FileBlockReader {
    static let blockSize = 1 << 20
    private let descriptor: Int32
    let path: String
    private(set) var bytesRead = 0

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        if descriptor < 0 {
            throw FiscalError.file(path, String(cString: strerror(errno)))
        }
        var info = stat()
        if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw FiscalError.file(path, "is a directory, not a file")
        }
    }

    deinit { close(descriptor) }

    /// Replaces `block` with the next bytes; returns how many (0 at the end).
    func read(into block: inout [UInt8]) throws -> Int {
        if block.count != Self.blockSize { block = [UInt8](repeating: 0, count: Self.blockSize) }
        let count = block.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, Self.blockSize) }
        if count < 0 { throw FiscalError.file(path, String(cString: strerror(errno))) }
        if count < Self.blockSize { block.removeSubrange(count...) }
        bytesRead += count
        return count
    }
}

/// A stream of UTF-8 blocks from a file in either encoding. A UTF-8 byte-order
/// mark is dropped; GB18030 is converted with glibc's iconv (Foundation on Linux
/// has no GB18030 encoding).
final class UTF8BlockStream {
    private let file: FileBlockReader
    private let encoding: TextEncoding
    private var converter: GB18030Converter?
    private var atStart = true

    var bytesRead: Int { file.bytesRead }

    /// Checks, as it reads, that a file taken for UTF-8 is UTF-8 throughout
    /// (``NotUTF8`` when not), for an import that began before the whole file
    /// was checked.
    private var validator: UTF8Validator?

    /// A UTF-8 stream's bytes were not all UTF-8.
    struct NotUTF8: Error {}

    init(path: String, encoding: TextEncoding, validating: Bool = false) throws {
        file = try FileBlockReader(path: path)
        self.encoding = encoding
        if encoding == .gb18030 { converter = try GB18030Converter(path: path) }
        if validating && encoding == .utf8 { validator = UTF8Validator() }
    }

    /// The next UTF-8 block, empty at the end.
    func next(into block: inout [UInt8]) throws {
        var raw: [UInt8] = []
        let count = try file.read(into: &raw)
        if validator != nil {
            raw.withUnsafeBufferPointer { validator!.consume($0) }
            guard validator!.isValid, count > 0 || validator!.isComplete else { throw NotUTF8() }
        }
        if let converter {
            block = try converter.convert(raw, final: count == 0)
        } else {
            block = raw
        }
        if atStart {
            atStart = false
            if block.starts(with: [0xEF, 0xBB, 0xBF]) { block.removeFirst(3) }
            if block.isEmpty && count > 0 { try next(into: &block) }
        }
    }
}

/// GB18030 → UTF-8 with iconv, carrying an incomplete trailing character over
/// to the next block.
final class GB18030Converter {
    private let handle: iconv_t
    private let path: String
    private var carry: [UInt8] = []
    private var convertedBytes = 0
    private var convertedLines = 0

    init(path: String) throws {
        self.path = path
        let handle = iconv_open("UTF-8", "GB18030")
        if handle == iconv_t(bitPattern: -1) {
            throw FiscalError.file(path, "this system's iconv cannot convert GB18030")
        }
        self.handle = handle!
    }

    deinit { iconv_close(handle) }

    func convert(_ block: [UInt8], final: Bool) throws -> [UInt8] {
        var input = carry + block
        carry = []
        if input.isEmpty { return [] }
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var inLeft = input.count
        var outLeft = output.count
        let result: Int = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                var inPointer: UnsafeMutablePointer<CChar>? = inRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                return iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
            }
        }
        let produced = output.count - outLeft
        output.removeSubrange(produced...)
        if result == -1 {
            let error = errno
            if error == EINVAL && !final {
                carry = Array(input.suffix(inLeft))   // a character cut by the block end
            } else {
                let offset = convertedBytes + (input.count - inLeft)
                let line = convertedLines + 1 + output.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
                throw FiscalError.file(path, "line \(line): neither valid UTF-8 nor GB18030 (byte \(offset)); save the file as UTF-8")
            }
        }
        convertedBytes += input.count - inLeft
        convertedLines += output.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        return output
    }
}
