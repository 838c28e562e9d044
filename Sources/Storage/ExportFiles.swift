import Core
import Foundation
#if canImport(Glibc)
import Glibc
import Reports
#endif

/// Files handed to others: written whole or not at all (a temporary file beside the target,
/// synced, then renamed over it).
public enum OutputFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(LocalizedMessage) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw LocalizedMessage(zh: "\(path) 是一个文件夹；--out 需要文件名", en: "\(path) is a folder; --out needs a file name")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LocalizedMessage(zh: "文件夹 \(folder) 不存在", en: "the folder \(folder) does not exist")
        }
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else {
            throw LocalizedMessage(zh: "无法写入 \(path)：\(String(cString: strerror(errno)))", en: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw LocalizedMessage(zh: "写入 \(path) 失败（\(String(cString: strerror(failure)))），未留下不完整的文件",
                                   en: "writing \(path) failed (\(String(cString: strerror(failure)))); no partial file was left")
        }
    }

    public static func standardOutput(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }
}

/// What the dashboard asks for when someone presses its export key (small and Equatable, so it
/// can travel in a `DashboardEffect`).
public struct ExportRequest: Sendable, Equatable {
    public var kind: ExportKind
    public var format: ExportFormat
    public var withPersonalData = false
    public var byteOrderMark = true

    public init(kind: ExportKind, format: ExportFormat, withPersonalData: Bool = false) {
        self.kind = kind
        self.format = format
        self.withPersonalData = withPersonalData
    }

    /// `$HOME/chengxin-exports/merchants-2026-11-26.csv` (the folder is created 0700).
    public func defaultPath(today: SimpleDate, home: String = Locations.home) -> String {
        home + "/chengxin-exports/\(kind.rawValue)-\(today).\(format.rawValue)"
    }
}

/// Runs a dashboard export a slice at a time, so that the screen can show progress between slices
/// (the job lives here, in the environment; the model only keeps `done`/`total`). Usage from
/// `DashboardStorage.export`: `start` on the export effect, then `step` on each step effect until it
/// returns a finished message.
public final class ExportRunner {
    private var job: ExportJob?
    private var path = ""
    private var language: Language = .zh

    public init() {}

    /// Checks who asks (personal data for managers only), then prepares the job.
    public func start(_ request: ExportRequest, market: MarketState, today: SimpleDate, user: User, path: String, language: Language) throws(LocalizedMessage) {
        self.language = language
        if request.withPersonalData {
            do throws(LocalizedMessage) {
                try Action.exportPersonalData.check(user.role)
            } catch {
                throw LocalizedMessage(zh: "只有市场管理方可以导出未打码的个人信息", en: "only a market manager may export unmasked personal data")
            }
        }
        let options = ExportOptions(format: request.format, withPersonalData: request.withPersonalData,
                                    byteOrderMark: request.format == .csv && request.byteOrderMark, language: language)
        job = ExportJob(kind: request.kind, market: market, today: today, options: options)
        self.path = path
    }

    /// Advances by up to `rows` rows. When the last row is done the file is written (whole or not
    /// at all) and `finished` holds the sentence to show; the runner is then idle again.
    public func step(rows: Int = 1000) throws(LocalizedMessage) -> (done: Int, total: Int, finished: String?) {
        guard var current = job else { return (0, 0, nil) }
        current.advance(rows: rows)
        job = current
        guard current.isFinished else { return (current.done, current.total, nil) }
        job = nil
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LocalizedMessage(zh: "无法建立文件夹 \(folder)", en: "cannot create the folder \(folder)")
        }
        try OutputFile.write(current.bytes, to: path, mode: current.options.withPersonalData ? 0o600 : 0o644)
        return (current.done, current.total, language.pick("已导出 \(current.total) 行到 \(path)", "exported \(current.total) rows to \(path)"))
    }

    public var isRunning: Bool { job != nil }

    /// The job's unmasked columns and rows, when it carries personal data unmasked (for the
    /// disclosure recorded before it runs).
    public var disclosure: (fields: [String], rows: Int)? {
        guard let job, job.options.withPersonalData else { return nil }
        let fields = job.columns.filter(\.personal).map(\.key)
        return fields.isEmpty ? nil : (fields, job.total)
    }

    /// Drops the prepared job (its disclosure could not be recorded): nothing is written.
    public func cancel() { job = nil }
}
