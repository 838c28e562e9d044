import Foundation

/// The command line's definitions — every command, subcommand, option, flag and argument with its
/// help — as one tree read from swift-argument-parser's own description of the declarations
/// (`--experimental-dump-help`, `ParsableCommand._dumpHelp()`). The argument check, the help pages,
/// the manual page and the completion scripts are all made from these same declarations.
public struct CommandGrammar: Sendable, Equatable {
    public var name: String
    public var abstract: String
    public var discussion: String
    public var isShown: Bool
    public var defaultSubcommand: String?
    public var subcommands: [CommandGrammar]
    public var arguments: [ArgumentGrammar]

    public init(name: String, abstract: String = "", discussion: String = "", isShown: Bool = true, defaultSubcommand: String? = nil,
                subcommands: [CommandGrammar] = [], arguments: [ArgumentGrammar] = []) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.isShown = isShown
        self.defaultSubcommand = defaultSubcommand
        self.subcommands = subcommands
        self.arguments = arguments
    }

    public func subcommand(_ name: String) -> CommandGrammar? {
        subcommands.first { $0.name == name }
    }

    /// The command at `path` below this one (this one for an empty path).
    public func descendant(at path: [String]) -> CommandGrammar? {
        var node = self
        for name in path {
            guard let next = node.subcommand(name) else { return nil }
            node = next
        }
        return node
    }

    /// The option or flag called `name` (with its dashes: `--text`, `-h`).
    public func option(named name: String) -> ArgumentGrammar? {
        arguments.first { $0.kind != .positional && $0.names.contains(name) }
    }

    public var positionals: [ArgumentGrammar] { arguments.filter { $0.kind == .positional } }

    /// The command's options and flags, the automatic help flag last.
    public var options: [ArgumentGrammar] { arguments.filter { $0.kind != .positional } }

    /// The commands that run something (no subcommands of their own), with their paths.
    public func leaves(_ path: [String] = []) -> [(path: [String], command: CommandGrammar)] {
        if subcommands.isEmpty { return [(path, self)] }
        return subcommands.filter(\.isShown).flatMap { $0.leaves(path + [$0.name]) }
    }

    /// Every command below this one, depth first, with its path (this one first, at `path`).
    public func all(_ path: [String] = []) -> [(path: [String], command: CommandGrammar)] {
        [(path, self)] + subcommands.filter(\.isShown).flatMap { $0.all(path + [$0.name]) }
    }

    /// The section title that marks the options every command on the data takes (`--data`,
    /// `--lang`, `--key`, `--store`): the help and the manual page list them once.
    public static let commonSection = "common"

    /// The common options, as declared in the first command that has them.
    public var commonOptions: [ArgumentGrammar] {
        for (_, command) in leaves() {
            let common = command.options.filter { $0.section == Self.commonSection }
            if !common.isEmpty { return common }
        }
        return []
    }

    public var commonOptionNames: [String] { commonOptions.compactMap(\.preferredName) }

    /// The options a command's help and manual entry list under it: those shown, not the common
    /// ones (listed once), not the automatic `--help`, and `--version` only at the root.
    public func ownOptions(atRoot: Bool) -> [ArgumentGrammar] {
        options.filter {
            $0.isShown && $0.section != Self.commonSection && $0.preferredName != "--help" && ($0.preferredName != "--version" || atRoot)
        }
    }
}

public struct ArgumentGrammar: Sendable, Equatable {
    public enum Kind: String, Sendable { case option, flag, positional }

    public var kind: Kind
    /// With their dashes, long first (`--help`, `-h`); empty for a positional argument.
    public var names: [String]
    public var valueName: String
    public var isOptional: Bool
    public var isRepeating: Bool
    public var defaultValue: String?
    /// The only values accepted, when the type says so (an enumeration).
    public var allowedValues: [String]
    public var abstract: String
    public var isShown: Bool
    /// The title of the group of options it was declared in (`CommandGrammar.commonSection`).
    public var section: String?

    public init(kind: Kind, names: [String] = [], valueName: String, isOptional: Bool = true, isRepeating: Bool = false,
                defaultValue: String? = nil, allowedValues: [String] = [], abstract: String = "", isShown: Bool = true, section: String? = nil) {
        self.kind = kind
        self.names = names
        self.valueName = valueName
        self.isOptional = isOptional
        self.isRepeating = isRepeating
        self.defaultValue = defaultValue
        self.allowedValues = allowedValues
        self.abstract = abstract
        self.isShown = isShown
        self.section = section
    }

    public var preferredName: String? { names.first }

    /// How it is written in a usage line: `--text <text>`, `--demo`, `SHOP`.
    public var synopsis: String {
        switch kind {
        case .positional: return valueName.uppercased()
        case .flag: return names.first ?? ""
        case .option: return "\(names.first ?? "") <\(valueName)>"
        }
    }
}

extension CommandGrammar {
    /// Reads swift-argument-parser's description of the declarations (its `ToolInfoV0` JSON).
    public init(dumpedHelp json: String) throws {
        let info = try JSONDecoder().decode(DumpedTool.self, from: Data(json.utf8))
        self.init(info.command)
    }

    init(_ command: DumpedTool.Command) {
        self.init(
            name: command.commandName, abstract: command.abstract ?? "", discussion: command.discussion ?? "",
            isShown: command.shouldDisplay ?? true, defaultSubcommand: command.defaultSubcommand,
            subcommands: (command.subcommands ?? []).map(CommandGrammar.init),
            arguments: (command.arguments ?? []).map(ArgumentGrammar.init))
    }
}

extension ArgumentGrammar {
    init(_ argument: DumpedTool.Argument) {
        let names = (argument.names ?? []).sorted { ($0.kind == "long" ? 0 : 1) < ($1.kind == "long" ? 0 : 1) }.map { name in
            name.kind == "short" || name.kind == "longWithSingleDash" ? "-" + name.name : "--" + name.name
        }
        self.init(
            kind: Kind(rawValue: argument.kind) ?? .option, names: names, valueName: argument.valueName ?? "value",
            isOptional: argument.isOptional, isRepeating: argument.isRepeating, defaultValue: argument.defaultValue,
            allowedValues: argument.allValues ?? [], abstract: argument.abstract ?? "", isShown: argument.shouldDisplay,
            section: argument.sectionTitle)
    }
}

/// The part of swift-argument-parser's `ToolInfoV0` JSON read here.
struct DumpedTool: Decodable {
    struct Command: Decodable {
        var commandName: String
        var abstract: String?
        var discussion: String?
        var shouldDisplay: Bool?
        var defaultSubcommand: String?
        var subcommands: [Command]?
        var arguments: [Argument]?
    }

    struct Argument: Decodable {
        struct Name: Decodable {
            var kind: String
            var name: String
        }

        var kind: String
        var names: [Name]?
        var valueName: String?
        var isOptional: Bool
        var isRepeating: Bool
        var defaultValue: String?
        var allValues: [String]?
        var abstract: String?
        var shouldDisplay: Bool
        var sectionTitle: String?
    }

    var command: Command
}
