import FiscalKit
import Foundation

// Built two ways. With -DFUZZING and -sanitize=fuzzer,address (scripts/fuzz.sh),
// libFuzzer drives LLVMFuzzerTestOneInput and FISCAL_FUZZ_TARGET picks the reader.
// Otherwise a replay tool: `fiscal-fuzz TARGET FILE...` runs the inputs once each
// (a crash found becomes a regression fixture that the tests replay).

#if FUZZING
let fuzzTarget = ProcessInfo.processInfo.environment["FISCAL_FUZZ_TARGET"] ?? "csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.run(fuzzTarget, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

// SwiftPM links an executable's entry point as FiscalFuzz_main; it hands over to libFuzzer.
@_cdecl("FiscalFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzOneInput(data, size) }
}
#else
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let target = arguments.first, FuzzEntry.targets.contains(target) else {
            FileHandle.standardError.write(Data("usage: fiscal-fuzz \(FuzzEntry.targets.joined(separator: "|")) FILE...\n".utf8))
            exit(2)
        }
        for file in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("fiscal-fuzz: cannot read \(file)\n".utf8))
                exit(1)
            }
            FuzzEntry.run(target, [UInt8](data))
        }
        print("\(arguments.count - 1) inputs read by the \(target) reader")
    }
}
#endif
