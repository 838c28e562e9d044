import ArgumentParser
import Core
import Foundation
import Storage

/// New versions of the rating rules and the checklist into an existing data directory (the seeds
/// only seed `init`); the rules for both are Core's (RuleVersions.swift).
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: localized("星级评定规则（定星级）：列出各版本，或从文件发布新版本。", "The rating rules (定星级): list the versions, or publish a new version from a file."),
        subcommands: [RulesShow.self, RulesPublish.self])
}

struct RulesShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: localized("星级评定规则的各个版本，以及今天施行的版本。", "Every version of the rating rules, and the one in force today."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    func run() throws {
        do {
            let market = try common.openForReading().market
            let inForce = market.rules(on: MarketClock.today())?.sequence
            let lines = market.ruleVersions.map { version in
                let rules = version.value
                let mark = version.sequence == inForce ? common.t("（现行）", " (in force)") : ""
                return common.t("第 \(rules.version) 版，\(rules.effectiveFrom) 起生效（记录 #\(version.sequence)）\(mark)：\(rules.effectiveScheme.chineseName)",
                                "version \(rules.version), from \(rules.effectiveFrom) (record #\(version.sequence))\(mark): \(rules.effectiveScheme.englishName)")
            }
            Console.out(lines.isEmpty ? common.t("尚未发布评分规则", "no rating rules have been published") : lines.joined(separator: "\n"))
        } catch {
            throw common.failure(error)
        }
    }
}

struct RulesPublish: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish", abstract: localized("发布新版星级评定规则（市场管理方）。", "Publish a new version of the rating rules (market managers)."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: localized("JSON 文件，包含一个版本的规则，格式同 seeds/rules.json 中的一项。", "A JSON file holding one version of the rules, like one entry of seeds/rules.json."))
    var file: String

    func run() throws {
        try PublishFromFile.run(common, actor, file: file, kind: "rules", what: LocalizedMessage(zh: "一版规则", en: "a version of the rules")) { text throws(CLIProblem) in
            let versions: [RatingRules]
            do throws(LocalizedMessage) { versions = try SeedLoader.parseRules(text, fileName: file) } catch { throw CLIProblem(text: error.text(common.lang)) }
            guard versions.count == 1, let rules = versions.first else {
                throw CLIProblem(text: common.t("文件 \(file) 含 \(versions.count) 版规则，一次只能发布一版", "the file \(file) holds \(versions.count) versions of the rules; publish one at a time"))
            }
            return rules
        } body: { rules, _ in
            .rulesPublished(rules)
        } answer: { rules, recorded in
            common.t("已发布评分规则第 \(rules.version) 版（\(rules.effectiveFrom) 起生效，\(rules.effectiveScheme.chineseName)），记录 #\(recorded.sequence)",
                     "published version \(rules.version) of the rating rules (from \(rules.effectiveFrom), \(rules.effectiveScheme.englishName)), record #\(recorded.sequence)")
        }
    }
}

struct ChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist", abstract: localized("检查表：查看现行版本，或从文件发布新版本。", "The inspection checklist: show the version in force, or publish a new version from a file."),
        subcommands: [ChecklistShow.self, ChecklistPublish.self])
}

struct ChecklistShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: localized("现行检查表。", "The inspection checklist in force."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    func run() throws {
        do {
            let market = try common.openForReading().market
            guard let checklist = market.checklist else { throw CLIProblem(text: common.t("尚未发布检查清单", "no checklist has been published")) }
            var lines = [common.t("检查清单第 \(checklist.version) 版（\(checklist.items.count) 项）", "checklist version \(checklist.version) (\(checklist.items.count) items)")]
            for item in checklist.items {
                lines.append("\(item.id)  [\(item.category.name(common.lang))] \(item.text)\(item.citation(common.lang))")
            }
            Console.out(lines.joined(separator: "\n"))
        } catch {
            throw common.failure(error)
        }
    }
}

struct ChecklistPublish: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish", abstract: localized("发布新版检查表（市场管理方）。", "Publish a new version of the inspection checklist (market managers)."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: localized("UTF-8 编码的 CSV 文件，格式同 seeds/checklist.csv（编号,类别,检查项[,守则条款]）。", "A UTF-8 CSV file like seeds/checklist.csv (编号,类别,检查项[,守则条款])."))
    var file: String

    func run() throws {
        try PublishFromFile.run(common, actor, file: file, kind: "checklist", what: LocalizedMessage(zh: "一份检查清单", en: "a checklist")) { text throws(CLIProblem) in
            let parsed = SeedLoader.parseChecklist(text, fileName: file)
            if !parsed.problems.isEmpty { throw CLIProblem(text: parsed.problems.map { $0.text(common.lang) }.joined(separator: "\n")) }
            return parsed.items
        } body: { items, market in
            .checklistPublished(ChecklistPublished(version: (market.checklist?.version ?? 0) + 1, items: items))
        } answer: { items, recorded in
            common.t("已发布检查清单新版本（\(items.count) 项），记录 #\(recorded.sequence)",
                     "published a new version of the checklist (\(items.count) items), record #\(recorded.sequence)")
        }
    }
}

/// A new version of something published from a file (rules, checklist, code of conduct): the file
/// read (UTF-8, at most 256 KB), parsed, and recorded through the gate; every problem said in the
/// user's language.
enum PublishFromFile {
    static func run<Parsed>(_ common: CommonOptions, _ actor: ActorOptions, file: String, kind: String, what: LocalizedMessage,
                            parse: (String) throws(CLIProblem) -> Parsed,
                            body: @escaping (Parsed, MarketState) -> EventBody,
                            answer: @escaping (Parsed, Recorded) -> String) throws {
        do {
            let text = try CalendarAddYear.readText(file, maximumSize: CalendarAddYear.maximumFileSize, common,
                                                    tooLarge: LocalizedMessage(zh: "文件 \(file) 超过 256 KB，不像是\(what.zh)", en: "the file \(file) is over 256 KB: not \(what.en)"))
            let parsed = try parse(text)
            try SimpleWrite.run(common, actor, kind: kind) { market, _ throws(LocalizedMessage) in
                body(parsed, market)
            } answer: { recorded in
                answer(parsed, recorded)
            }
        } catch {
            throw common.failure(error)
        }
    }
}
