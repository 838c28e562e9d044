import Core
import Log

/// Where a process keeps its data and in which language it speaks: what every opening of a data
/// directory needs (the command line's `--data`, `--key` and `--lang` build it).
public struct StorageOptions: Sendable {
    /// The data directory, resolved (`Locations.dataDirectory`).
    public var dataDirectory: String
    /// The checkpoint signing key's file, resolved (`Locations.keyFile`).
    public var keyFile: String
    public var language: Language
    /// The shared record (PostgreSQL) whose copy the data directory is; nil: the data directory is
    /// the record (`Locations.sharedStore`).
    public var sharedStore: String?

    /// `data`, `key` and `store` as given (nil: the default places, `Locations`).
    public init(data: String?, key: String?, language: Language, store: String? = nil) {
        sharedStore = Locations.sharedStore(store)
        dataDirectory = sharedStore.map { Locations.copyDirectory(data, of: $0) } ?? Locations.dataDirectory(data)
        keyFile = Locations.keyFile(key)
        self.language = language
    }

    /// The checkpoint files, or a problem when the key would sit inside the data directory.
    public func checkpointFiles() throws(LocalizedMessage) -> CheckpointFiles {
        if CheckpointFiles.isInside(keyFile, directory: dataDirectory) {
            throw LocalizedMessage(zh: "签名密钥不能放在数据目录里（\(keyFile)）：能改日志的人也就能重签检查点。请放到数据目录之外。",
                                   en: "the signing key must not be inside the data directory (\(keyFile)): whoever can rewrite the log could re-sign it. Keep it elsewhere.")
        }
        return CheckpointFiles(keyPath: keyFile)
    }

    /// The key that authenticates snapshots, derived from this user's checkpoint key (nil without
    /// one: then no snapshot is read or written, and every open replays the log).
    public var snapshotKey: SnapshotKey? { (try? checkpointFiles())?.snapshotKey() }
}

/// Anything with a Chinese and an English sentence, shown in the user's language.
public protocol BilingualText {
    var zh: String { get }
    var en: String { get }
}

extension BilingualText {
    public func text(_ language: Language) -> String { language.pick(zh, en) }
}

extension LogError: BilingualText {}
extension LogWarning: BilingualText {}
extension CheckpointProblem: BilingualText {}
extension CheckpointNote: BilingualText {}
extension AnchorProblem: BilingualText {}

extension LocalizedMessage {
    /// Why something failed, in both languages: a message or a log error as it reads, anything
    /// else as Swift describes it.
    public init(reason error: any Error) {
        if let message = error as? LocalizedMessage {
            self = message
        } else if let text = error as? any BilingualText {
            self.init(zh: text.zh, en: text.en)
        } else {
            self.init(zh: "\(error)", en: "\(error)")
        }
    }
}
