import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the log could not do what was asked. Each case has a sentence for people in both languages.
public enum LogError: Error, Sendable, Equatable {
    case io(FileIOError)
    case missing(directory: String)
    case alreadyExists(path: String)
    case notALog(path: String)
    case newerVersion(UInt32)
    /// Damage followed by valid records: the log is open read-only.
    case corrupt(sequence: UInt64, offset: Int, damage: LogDamage)
    /// The log's file, folder or mount cannot be written (not damage: reading works).
    case readOnly(path: String)
    case lockBusy(path: String)
    case payloadTooLarge(Int)
    /// A snapshot's resume point does not match the log (stale or from another log): rebuild.
    case resumePointMismatch
    /// The log disagrees with a signed checkpoint (rolled back, rewritten, re-chained): read-only.
    case checkpointFailed(CheckpointProblem)
    /// The whole log could not be read to be checked before a write.
    case unverifiable(path: String)
    /// The shared record at this address (shown without its password) holds no log yet.
    case sharedEmpty(String)
    /// The shared record (PostgreSQL) cannot be reached: what is shown stays, read-only, until it returns.
    case sharedUnavailable(String)
    /// The shared record refused a write (a permission, its own check of the chain): nothing recorded.
    case sharedRefused(String)
    /// The connection went while a commit was on its way: it may or may not have been recorded.
    case sharedOutcomeUnknown
    /// This seat's copy and the shared record differ at this record (or the record lacks it).
    case sharedDiverged(sequence: UInt64)
    /// The shared record holds a record that is not well-formed or does not link (sequence number).
    case sharedDamaged(sequence: UInt64)
    /// The copy of the shared record could not be written on this machine after a commit there.
    case copyBehind(FileIOError)

    public var zh: String {
        switch self {
        case .io(let e):
            if e.code == EROFS {
                return "文件系统是只读的（只读介质，或以只读方式挂载），未能写入 \(e.path)（\(e.call)）；这次操作没有记录。请换到可写的位置，或用 --data 指定另一个目录。"
            }
            if e.code == EACCES || e.code == EPERM {
                return "没有写入权限：\(e.path)（\(e.call)：\(e.systemText)）。请检查数据目录的权限，或用 --data 指定另一个目录。"
            }
            if e.isNoSpace { return "磁盘已满，未能写入 \(e.path)；这次操作没有记录。请腾出空间后重试。" }
            if e.code == EFBIG {
                return "文件将超过本进程允许写入的大小上限（ulimit -f），未能写入 \(e.path)；这次操作没有记录。请提高该上限后重试。"
            }
            return "文件操作失败：\(e.call) \(e.path)：\(e.systemText)"
        case .missing(let d): return "数据目录不存在：\(d)。请先运行 chengxin init 创建。"
        case .alreadyExists(let p): return "数据目录中已有日志：\(p)，不会覆盖。"
        case .notALog(let p): return "\(p) 不是 chengxin 的日志文件（文件头不符），未做任何改动。"
        case .newerVersion(let v): return "这个日志由更新版本的 chengxin 写入（格式版本 \(v)），请升级 chengxin 后再打开；未做任何改动。"
        case .corrupt(0, _, let d): return "日志损坏：\(d.zh)。日志已以只读方式打开，不会再写入；请运行 chengxin verify 查看详情。"
        case .corrupt(let s, let o, let d): return "日志损坏：第 \(s) 条记录（字节偏移 \(o)）\(d.zh)。日志已以只读方式打开，不会再写入；请运行 chengxin verify 查看详情。"
        case .readOnly(let p): return "日志所在的文件或磁盘是只读的（\(p)），不能写入；读取不受影响。请检查权限或挂载方式，或用 --data 指定可写的目录。"
        case .lockBusy(let p): return "另一个进程长时间占用日志锁（\(p)），本次没有写入。请检查是否有卡住的 chengxin 进程。"
        case .payloadTooLarge(let n): return "单条记录过大（\(n) 字节），上限 \(LogFormat.maxPayload) 字节。"
        case .resumePointMismatch: return "快照与日志不符（已过时或属于另一份日志），将从日志重建。"
        case .checkpointFailed(let p): return "日志与已签名的检查点不符：\(p.zh)。日志已以只读方式打开，不会再写入；请运行 chengxin verify 查看详情。"
        case .unverifiable(let p): return "写入前无法完整校验日志（\(p)），本次没有写入。"
        case .sharedEmpty(let a): return "共享记录库 \(a) 里还没有记录：请先用 chengxin init --store 建立。"
        case .sharedUnavailable(let m): return "连不上共享记录库，没有记录任何内容；连接恢复后即可继续（看板和服务台会自动重连）。（PostgreSQL：\(m)）"
        case .sharedRefused(let m): return "共享记录库拒绝了这次写入（\(m)）；这次操作没有记录。"
        case .sharedOutcomeUnknown: return "提交时与共享记录库的连接断开，无法确定是否已记录；连接恢复后再做一次即可，同一请求不会记录两次。"
        case .sharedDiverged(let s): return "本机的记录副本与共享记录库在第 \(s) 条处不一致（共享记录库可能被换成了旧的备份，或本机副本被改动）；已转为只读。请管理员用 chengxin verify --store 核对。"
        case .sharedDamaged(let s): return "共享记录库中的第 \(s) 条记录不完整或接不上前一条；已转为只读，没有写入本机副本。请管理员用 chengxin verify --store 核对。"
        case .copyBehind(let e): return "已记入共享记录库，但本机副本未能写入（\(e.call) \(e.path)：\(e.systemText)）；本机转为只读，重新打开后会补齐。"
        }
    }

    public var en: String {
        switch self {
        case .io(let e):
            if e.code == EROFS {
                return "the file system is read-only (read-only media, or mounted read-only): \(e.path) was not written (\(e.call)) and nothing was recorded; use a writable place or choose another with --data."
            }
            if e.code == EACCES || e.code == EPERM {
                return "no permission to write \(e.path) (\(e.call): \(e.systemText)); check the data directory's permissions or choose another with --data."
            }
            if e.isNoSpace { return "the disk is full: \(e.path) was not written and nothing was recorded; free some space and retry." }
            if e.code == EFBIG {
                return "the file would exceed the size limit this process may write (ulimit -f): \(e.path) was not written and nothing was recorded; raise the limit and retry."
            }
            return "file operation failed: \(e.call) \(e.path): \(e.systemText)"
        case .missing(let d): return "the data directory does not exist: \(d); run chengxin init first."
        case .alreadyExists(let p): return "the data directory already holds a log: \(p); it will not be overwritten."
        case .notALog(let p): return "\(p) is not a chengxin log (bad file header); nothing was changed."
        case .newerVersion(let v): return "this log was written by a newer chengxin (format version \(v)); upgrade to open it. Nothing was changed."
        case .corrupt(0, _, let d): return "the log is damaged: \(d.en). It is open read-only and nothing will be written; run chengxin verify for details."
        case .corrupt(let s, let o, let d): return "the log is damaged at record \(s) (byte offset \(o)): \(d.en). It is open read-only and nothing will be written; run chengxin verify for details."
        case .readOnly(let p): return "the log's file or disk is read-only (\(p)): nothing can be written; reading works. Check the permissions or the mount, or choose a writable directory with --data."
        case .lockBusy(let p): return "another process has held the log's lock for too long (\(p)); nothing was written. Look for a stuck chengxin process."
        case .payloadTooLarge(let n): return "a record is too large (\(n) bytes); the limit is \(LogFormat.maxPayload) bytes."
        case .resumePointMismatch: return "the snapshot does not match the log (stale, or from another log); it will be rebuilt from the log."
        case .checkpointFailed(let p): return "the log disagrees with a signed checkpoint: \(p.en). It is open read-only and nothing will be written; run chengxin verify for details."
        case .unverifiable(let p): return "the log could not be checked in full before writing (\(p)); nothing was written."
        case .sharedEmpty(let a): return "the shared record \(a) holds no log yet: set it up with chengxin init --store first."
        case .sharedUnavailable(let m): return "the shared record cannot be reached and nothing was recorded; work goes on once the connection returns (the dashboard and the kiosk reconnect by themselves). (PostgreSQL: \(m))"
        case .sharedRefused(let m): return "the shared record refused this write (\(m)); nothing was recorded."
        case .sharedOutcomeUnknown: return "the connection to the shared record went during the commit: it may or may not have been recorded. Do it again once connected; the same request is never recorded twice."
        case .sharedDiverged(let s): return "this machine's copy of the record and the shared record differ at record \(s) (the shared record may have been replaced by an older backup, or this copy changed); read-only now. An administrator should check with chengxin verify --store."
        case .sharedDamaged(let s): return "record \(s) in the shared record is not well-formed or does not link to the one before; read-only now, nothing was copied here. An administrator should check with chengxin verify --store."
        case .copyBehind(let e): return "recorded in the shared record, but this machine's copy could not be written (\(e.call) \(e.path): \(e.systemText)); read-only here until reopened, which catches up."
        }
    }
}

/// Something the user should hear about that is not an error.
public enum LogWarning: Sendable, Equatable {
    /// An unfinished last record (a write cut short by a crash) that readers skip.
    case tornTailIgnored(offset: Int, length: Int)
    /// The same, cut off by a writer before it appended; its bytes were kept in `keptIn`.
    case tornTailCut(offset: Int, length: Int, keptIn: String)
    /// The witness file (acknowledged.bin) is missing or unreadable: a torn tail cannot be told
    /// from a damaged last record until the next append writes it.
    case noWitness

    public var zh: String {
        switch self {
        case .tornTailIgnored(let o, let l): return "日志末尾有一条未写完的记录（偏移 \(o)，\(l) 字节，多半是写入时断电或进程被杀），已忽略；下次写入前会截去。"
        case .tornTailCut(let o, let l, let f): return "注意：已截去日志末尾一条未写完、从未确认的记录（写入时断电或程序被强行结束所致）；原字节存于 \(f)（\(l) 字节，偏移 \(o)），此事已记入日志，此前的记录完好。"
        case .noWitness: return "数据目录里没有可用的见证文件 acknowledged.bin：暂时无法区分未写完的记录与损坏的最后一条记录；下次写入后恢复。"
        }
    }

    public var en: String {
        switch self {
        case .tornTailIgnored(let o, let l): return "the log ends with an unfinished record (offset \(o), \(l) bytes, most likely a crash during a write); it is ignored and will be cut before the next write."
        case .tornTailCut(let o, let l, let f): return "note: an unfinished, never acknowledged record was cut off the end of the log (a crash during a write); its \(l) bytes are kept in \(f) (offset \(o)) and the cut is recorded in the log. The records before it are intact."
        case .noWitness: return "the data directory has no readable witness file (acknowledged.bin): an unfinished record cannot be told from a damaged last record until the next write."
        }
    }
}
