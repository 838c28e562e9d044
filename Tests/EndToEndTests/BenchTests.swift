import Foundation
import Testing
import TestSupport

/// The benchmark at a small scale: it must run end to end and report every measure (the figures
/// themselves belong in docs/performance.md, not in a test).
@Suite("Benchmark smoke test")
struct BenchTests {
    @Test func reportsEveryMeasureForTwoThousandEvents() throws {
        let bench = try #require(builtProduct("chengxin-bench"))
        let seeds = packageRoot.appendingPathComponent("seeds").path
        let result = try runToCompletion([bench, "--events", "2000", "--seeds", seeds, "--runs", "1", "--appends", "5",
                                          "--latency", "2", "--poll-latency", "1", "--notify", "3", "--keys", "5", "--tail", "100"])
        #expect(result.status == 0, "\(result.errors)")
        let rows = result.output.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| measure") }
        let expected = [
            "events in the log (event types) | 2000 (29 types)",
            "full cold rebuild from the log (no snapshot; the log in the page cache;",
            "then that check of the whole chain",
            "the same with the log read from the disk (page cache dropped first)",
            "open via snapshot (100 records after it) to the first drawn frame",
            "memory after opening via snapshot",
            "keystroke on the merchants screen",
            "keystroke on the complaints screen",
            "keystroke on the shop (scrolling the first shop's page) screen",
            "keystroke on the complaints, typing a `/` search",
            "keystroke on the members (党员积分",
            "keystroke on the branches (比发展",
            "then the PIN accepted to the overview's frame",
            "verify (every record's CRC and the whole chain)",
            "durable append, chengxin (one event",
            "durable append, bare pwrite + fdatasync of the same bytes",
            "durable append, chengxin ÷ bare (medians)",
            "SQLite INSERT, synchronous=FULL, WAL",
            "SQLite INSERT, synchronous=FULL, rollback journal",
            "another process shows a new event, inotify",
            "another process shows a new event, polling every 1 s",
        ]
        for label in expected {
            #expect(rows.contains { $0.contains(label) }, "missing row: \(label)")
        }
        // The shared record's figures (issue 21), with a cluster of the run's own; without
        // PostgreSQL, one row saying they were skipped and why.
        let shared = [
            "shared record: the generated log copied into PostgreSQL",
            "shared record: durable append through a seat's copy",
            "shared record: PostgreSQL's own single-row INSERT of the same bytes",
            "shared record: append ÷ INSERT (medians)",
            "shared record: another seat's process woken by NOTIFY",
            "shared record: … the same from the append's start",
            "shared record: … and the new record fetched into its copy",
            "shared record: a seat opens its copy via its snapshot",
            "shared record: a seat opens its copy without a snapshot",
            "shared record: a new seat (no local copy",
        ]
        if let reason = PostgresCluster.unavailable {
            #expect(rows.contains { $0.contains("shared record (PostgreSQL) | skipped: \(reason)") }, "no row saying the shared record was skipped")
        } else {
            for label in shared {
                #expect(rows.contains { $0.contains(label) }, "missing row: \(label)")
            }
        }
        // Every row has a figure, none of them missing (nan).
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.count >= 2 && !cells[1].isEmpty && !cells[1].contains("nan"), "\(row)")
        }
    }
}
