import ArgumentParser
import Core
import Log
import Storage

extension Language: ExpressibleByArgument {}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (default: $CHENGXIN_DATA, else $XDG_DATA_HOME/chengxin, i.e. ~/.local/share/chengxin).")
    var data: String?

    @Option(name: .long, help: "Language of messages: zh or en.")
    var lang: Language = .zh

    @Option(name: .long, help: "Checkpoint signing key, outside the data directory (default: $CHENGXIN_KEY, else ~/.config/chengxin/checkpoint.key).")
    var key: String?

    @Option(name: .long, help: "The shared record in PostgreSQL (postgres://…; default: $CHENGXIN_STORE); the data directory is then this seat's copy of it (default: ~/.cache/chengxin/store-…).")
    var store: String?

    /// What opening the data directory needs of these options.
    var storage: StorageOptions { StorageOptions(data: data, key: key, language: lang, store: store) }

    var dataDirectory: String { storage.dataDirectory }

    /// The checkpoint files, or a problem when the key would sit inside the data directory.
    func checkpointFiles() throws(CLIProblem) -> CheckpointFiles {
        do throws(LocalizedMessage) {
            return try storage.checkpointFiles()
        } catch {
            throw CLIProblem(text: error.text(lang))
        }
    }

    func t(_ zh: String, _ en: String) -> String { lang.pick(zh, en) }

    /// The key that authenticates snapshots (`StorageOptions.snapshotKey`).
    var snapshotKey: SnapshotKey? { storage.snapshotKey }

    /// The data directory opened read-only (from its snapshot when authentic and intact); a
    /// problem ends the command.
    func openForReading() throws -> Store {
        let store: Store
        do {
            store = try storage.openStore(writable: false)
        } catch {
            throw Console.fail(error.text(lang))
        }
        // A fixed clock ($CHENGXIN_TODAY) only on training data.
        do throws(LocalizedMessage) { try MarketClock.admit(store.market) } catch { throw Console.fail(error.text(lang)) }
        // What a damaged log still shows is said to be incomplete, before it is shown.
        if let damage = store.log.damage, case .corrupt = damage { Console.error(damage.text(lang)) }
        return store
    }

    /// The log file itself, read-only (every record, for the commands that list records); with a
    /// shared record, this seat's copy brought up to date first (`StorageOptions.updateCopy`).
    func openLog() throws(LogError) -> EventLog {
        try storage.updateCopy()
        return try EventLog.open(directory: dataDirectory, writable: false)
    }

    /// Any error as one sentence in the chosen language.
    func describe(_ error: any Error) -> String {
        if let problem = error as? CLIProblem { return problem.text }
        return LocalizedMessage(reason: error).text(lang)
    }
}

/// A problem to tell the user, already in their language.
struct CLIProblem: Error {
    let text: String
}
