// A small real writer for the log's multi-process tests: appends COUNT events tagged TAG to the
// log in DIR, one append each, and prints "ack TAG I SEQ" after each append has returned (that is,
// after fdatasync). A test kills it at random moments and checks every acknowledged event.
import Foundation
import Log

let arguments = CommandLine.arguments
guard arguments.count == 5, arguments[1] == "append", let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: chengxin-log-stress append DIR COUNT TAG\n".utf8))
    exit(2)
}
let directory = arguments[2]
let tag = arguments[4]
do {
    let log = try EventLog.open(directory: directory)
    for i in 1...max(1, count) {
        let payload = Array(#"{"tag":"\#(tag)","i":\#(i),"text":"第\#(i)条 丹阳眼镜城"}"#.utf8)
        let written = try log.append { _ in [payload] }
        guard let record = written.first else { exit(1) }
        // One unbuffered write(2) per acknowledgement, so a kill never leaves one in a buffer.
        FileHandle.standardOutput.write(Data("ack \(tag) \(i) \(record.sequence)\n".utf8))
    }
} catch let error as LogError {
    FileHandle.standardError.write(Data((error.en + "\n").utf8))
    exit(1)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
