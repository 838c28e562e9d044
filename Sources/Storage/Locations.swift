import Foundation
import Log
import PostgresLog

/// Where the data directory and the shipped seeds are.
public enum Locations {
    /// `--data DIR`, else `$CHENGXIN_DATA`, else `$XDG_DATA_HOME/chengxin`, else `~/.local/share/chengxin`.
    public static func dataDirectory(_ explicit: String?) -> String {
        resolve(explicit, variable: "CHENGXIN_DATA", xdg: "XDG_DATA_HOME", under: "chengxin", homeDefault: ".local/share/chengxin")
    }

    /// The shared record (PostgreSQL): `--store URL`, else `$CHENGXIN_STORE`; nil when neither is
    /// given (the data directory is then the record itself).
    public static func sharedStore(_ explicit: String?) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let value = ProcessInfo.processInfo.environment["CHENGXIN_STORE"], !value.isEmpty { return value }
        return nil
    }

    /// The data directory of a seat of a shared record (its copy of the record and its snapshot):
    /// `--data DIR`, else `$CHENGXIN_DATA`, else one folder per record (its address without the
    /// password, hashed) under `$XDG_CACHE_HOME/chengxin`, else `~/.cache/chengxin`.
    public static func copyDirectory(_ explicit: String?, of address: String) -> String {
        let name = "store-" + hexString(LogFormat.sha256(Array(PostgresAddress.redacted(address).utf8)[...])).prefix(16)
        return resolve(explicit, variable: "CHENGXIN_DATA", xdg: "XDG_CACHE_HOME", under: "chengxin/" + name, homeDefault: ".cache/chengxin/" + name)
    }

    /// The first of: an explicit path, an environment variable, an XDG base folder plus `under`,
    /// the home folder plus `homeDefault`.
    private static func resolve(_ explicit: String?, variable: String, xdg: String, under: String, homeDefault: String) -> String {
        let env = ProcessInfo.processInfo.environment
        if let explicit, !explicit.isEmpty { return absolute(explicit) }
        if let value = env[variable], !value.isEmpty { return absolute(value) }
        if let base = env[xdg], base.hasPrefix("/") { return base + "/" + under }
        return home + "/" + homeDefault
    }

    /// `$HOME` when set (as every Unix tool reads it), else the account's home folder.
    public static var home: String {
        ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path == "~" || path.hasPrefix("~/") { return home + path.dropFirst() }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The checkpoint signing key, kept outside the data directory: `--key FILE`, else
    /// `$CHENGXIN_KEY`, else `$XDG_CONFIG_HOME/chengxin/checkpoint.key`, else `~/.config/chengxin/checkpoint.key`.
    public static func keyFile(_ explicit: String?) -> String {
        resolve(explicit, variable: "CHENGXIN_KEY", xdg: "XDG_CONFIG_HOME", under: "chengxin/checkpoint.key", homeDefault: ".config/chengxin/checkpoint.key")
    }

    /// The operational log of the dashboard and the kiosk (what they did, never personal data),
    /// kept outside the data directory: `--oplog FILE`, else `$CHENGXIN_OPLOG`, else
    /// `$XDG_STATE_HOME/chengxin/chengxin.log`, else `~/.local/state/chengxin/chengxin.log`.
    public static func operationalLog(_ explicit: String?) -> String {
        resolve(explicit, variable: "CHENGXIN_OPLOG", xdg: "XDG_STATE_HOME", under: "chengxin/chengxin.log", homeDefault: ".local/state/chengxin/chengxin.log")
    }

    /// The folder with the shipped roster: `--seeds DIR`, else `$CHENGXIN_SEEDS`, else a `seeds`
    /// folder beside the executable or in one of its parents (as in a `swift run` checkout), else
    /// `share/chengxin/seeds` beside an installed binary, else the source checkout it was built from.
    public static func seedsDirectory(_ explicit: String?) -> String? {
        let env = ProcessInfo.processInfo.environment
        if let explicit, !explicit.isEmpty { return absolute(explicit) }
        if let value = env["CHENGXIN_SEEDS"], !value.isEmpty { return absolute(value) }
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first.map(absolute) ?? "").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<8 {
            candidates.append(folder.appendingPathComponent("seeds"))
            candidates.append(folder.appendingPathComponent("share/chengxin/seeds"))
            folder = folder.deletingLastPathComponent()
        }
        // The package this binary was built from: Sources/Storage/Locations.swift → ../../seeds
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(source.appendingPathComponent("seeds"))
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("merchants.csv").path) {
            return candidate.path
        }
        return nil
    }
}
