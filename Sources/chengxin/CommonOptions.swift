import ArgumentParser
import CommandSurface
import Core
import Log
import PostgresLog
import Storage

extension Language: ExpressibleByArgument {}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    /// The options' section in the declarations: `CommandGrammar.commonSection`, so that the help
    /// and the manual page list them once, as the options every command takes.
    static let title = CommandGrammar.commonSection

    @Option(name: .long, help: localized("数据目录（默认：$CHENGXIN_DATA，否则 $XDG_DATA_HOME/chengxin，即 ~/.local/share/chengxin）。", "Data directory (default: $CHENGXIN_DATA, else $XDG_DATA_HOME/chengxin, i.e. ~/.local/share/chengxin)."))
    var data: String?

    @Option(name: .long, help: localized("消息的语言：zh（中文，默认）或 en（英文）。", "Language of messages: zh (Chinese, the default) or en (English)."))
    var lang: Language = .zh

    @Option(name: .long, help: localized("检查点签名密钥，放在数据目录之外（默认：$CHENGXIN_KEY，否则 ~/.config/chengxin/checkpoint.key）。", "Checkpoint signing key, outside the data directory (default: $CHENGXIN_KEY, else ~/.config/chengxin/checkpoint.key)."))
    var key: String?

    @Option(name: .long, help: localized("PostgreSQL 中的共享记录库（postgres://…；默认：$CHENGXIN_STORE）；此时数据目录是它在本机的副本（默认：~/.cache/chengxin/store-…）。", "The shared record in PostgreSQL (postgres://…; default: $CHENGXIN_STORE); the data directory is then this seat's copy of it (default: ~/.cache/chengxin/store-…)."))
    var store: String?

    /// A shared record is named by a PostgreSQL address (`--store` or `$CHENGXIN_STORE`); anything
    /// else is a usage error, said before libpq reads it as a database name.
    func validate() throws {
        if let address = Locations.sharedStore(store), !PostgresAddress.isAddress(address) {
            // The value itself is not repeated: it may hold a password in a form not recognised.
            throw ValidationError(lang.pick("--store（或 CHENGXIN_STORE）应为 postgres://… 或 postgresql://… 形式的共享记录库地址",
                                            "--store (or CHENGXIN_STORE) must be a shared record's address, postgres://… or postgresql://…"))
        }
    }

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

extension CommonOptions {
    /// A value that is not one of an option's choices, said as the command line says it of the
    /// parser's own choices (`UsageProblem.notAChoice`, with the nearest one).
    func notAChoice(_ option: String, _ value: String, _ choices: [String]) -> CLIProblem {
        let problem = UsageProblem.notAChoice(option, value: value, choices: choices, suggestions: Suggestions.nearest(value, among: choices))
        return CLIProblem(text: problem.message.text(lang))
    }

    /// Yuan as typed (`680`, `680.50`) in fen, or the problem naming `--amount` and the value.
    func amountFen(_ amount: String) throws(CLIProblem) -> Int {
        guard let fen = Money.fen(fromYuan: amount) else {
            throw CLIProblem(text: t("--amount 的值「\(amount)」不是有效的金额（例如 680 或 680.50）", "'\(amount)' is not a valid value of --amount (an amount in yuan, e.g. 680 or 680.50)"))
        }
        return fen
    }
}

/// A problem to tell the user, already in their language.
struct CLIProblem: Error {
    let text: String
}
