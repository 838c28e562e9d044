// A small real writer and follower for the log's contract tests (Tests/StorageTests/LogContractTests.swift),
// against either store: the data directory DIR's own log, or — with URL — DIR as one seat's copy
// of the shared record in PostgreSQL. Both append through Storage's `Store`, by idempotency key.
//
//   chengxin-log-stress append DIR COUNT TAG [URL]
//     appends COUNT events with the keys "TAG 1" … "TAG COUNT", one append each, and prints
//     "ack TAG I SEQ" once each append has returned (synced here; with URL, committed there). An
//     append the shared record did not take or may not have taken (`sharedUnavailable`,
//     `sharedOutcomeUnknown`: the server went away) is tried again with the same key, after
//     printing "retry TAG I: why": a record committed before the connection went is not recorded twice.
//   chengxin-log-stress follow DIR UNTIL [URL]
//     prints "ready" once it is woken by every change (inotify on DIR, or PostgreSQL's LISTEN on
//     the record's channel), then "seen SEQ" for each new record it reads, until it has seen UNTIL.
//
// A test kills it at random moments: each line is one unbuffered write(2), never left in a buffer.
import Codec
import Core
import Foundation
import Log
import PostgresLog
import Storage

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data(((error as? LogError)?.en ?? "\(error)").utf8 + [10]))
    exit(1)
}

/// The store in DIR: its own log, or its copy of the record at `url` (made first if need be).
func openStore(_ directory: String, _ url: String?) throws(LogError) -> Store {
    if let url { return try SharedCopy.open(directory, of: PostgresRecord(address: url), snapshotKey: nil) }
    return try Store.open(directory, snapshotKey: nil)
}

/// The sequence number of the record with `key` in DIR's log (an append whose key was found
/// recorded already: its commit went through although its outcome was unknown).
func sequence(of key: String, in directory: String) throws -> UInt64? {
    try EventLog.open(directory: directory, writable: false).records.last { (try? EventCodec.decode($0.payload))?.key == key }?.sequence
}

/// Appends one event with `key`, trying again while the shared record is away (up to a minute).
func append(_ key: String, to store: Store) throws -> UInt64 {
    let event = Event(actor: "system", at: Event.timestamp(Date()), key: key, body: .unknown(type: "test.stress"))
    let deadline = Date().addingTimeInterval(60)
    while true {
        do {
            if let record = try store.append(events: { _ in [event] }).first { return record.sequence }
            guard let found = try sequence(of: key, in: store.log.directory) else { throw LogError.sharedRefused("\(key): neither written nor found") }
            return found
        } catch let error as LogError {
            switch error {
            case .sharedUnavailable, .sharedOutcomeUnknown:
                guard Date() < deadline else { throw error }
                say("retry \(key): \(error.en)")
                usleep(50_000) // a pause before the next attempt, not a synchronisation
            default:
                throw error
            }
        }
    }
}

func usage() -> Never {
    FileHandle.standardError.write(Data("usage: chengxin-log-stress append DIR COUNT TAG [URL] | follow DIR UNTIL [URL]\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
switch (arguments.count > 1 ? arguments[1] : "", arguments.count) {
case ("append", 5...6):
    guard let count = Int(arguments[3]) else { usage() }
    let directory = arguments[2], tag = arguments[4]
    do {
        let store = try openStore(directory, arguments.count == 6 ? arguments[5] : nil)
        for i in 1...max(1, count) {
            say("ack \(tag) \(i) \(try append("\(tag) \(i)", to: store))")
        }
    } catch {
        fail(error)
    }
case ("follow", 4...5):
    guard let until = UInt64(arguments[3]) else { usage() }
    let directory = arguments[2], url = arguments.count == 5 ? arguments[4] : nil
    do {
        let store = try openStore(directory, url)
        // Waits up to the given milliseconds for a change; says whether one came. Records are read
        // only then: a follower that is not woken sees nothing.
        let wake: (Int32) throws -> Bool
        if let url {
            let listener = try PGConnection(url)
            try listener.execute("LISTEN \(PostgresSchema.channel)")
            wake = { try listener.waitReadable(milliseconds: $0) && !listener.notifications().isEmpty }
        } else {
            let watcher = LogWatcher(directory: directory)
            guard watcher.descriptor != nil else { throw LogError.sharedRefused("no inotify") }
            wake = { watcher.wait(milliseconds: $0) && watcher.drain() }
        }
        // What was appended before it listened is read now.
        _ = try store.refresh()
        var seen = store.log.lastSequence
        say("ready")
        let deadline = Date().addingTimeInterval(60)
        while seen < until && Date() < deadline {
            guard try wake(1000) else { continue }
            _ = try store.refresh()
            while seen < store.log.lastSequence {
                seen += 1
                say("seen \(seen)")
            }
        }
        exit(seen >= until ? 0 : 1)
    } catch {
        fail(error)
    }
default:
    usage()
}
