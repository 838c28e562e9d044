import ArgumentParser
import Core
import Foundation
import Storage

struct ConductCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conduct", abstract: localized("守则（定守则）：查看现行版本，或从文件发布新版本。", "The code of conduct (定守则): show the version in force, or publish a new version from a file."),
        subcommands: [ConductShow.self, ConductPublish.self])
}

struct ConductShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: localized("现行守则，以及引用各条款的检查项。", "The code of conduct in force, and the checklist items citing each article."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    func run() throws {
        let market = try common.openForReading().market
        guard let conduct = market.conduct else { throw Console.fail(common.t("尚未发布守则", "no code of conduct has been published")) }
        var lines = [common.t("诚信经营守则 第 \(conduct.value.version) 版，\(conduct.value.effectiveFrom) 起施行（记录 #\(conduct.sequence)）",
                              "code of conduct version \(conduct.value.version), in force from \(conduct.value.effectiveFrom) (record #\(conduct.sequence))")]
        for (i, article) in conduct.value.articles.enumerated() {
            lines.append("\(i + 1). \(article)")
            let items = (market.checklist?.items ?? []).filter { $0.article == i + 1 }.map(\.id)
            if !items.isEmpty { lines.append(common.t("   检查项：", "   checklist: ") + items.joined(separator: "、")) }
        }
        Console.out(lines.joined(separator: "\n"))
    }
}

struct ConductPublish: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish", abstract: localized("发布新版守则（市场管理方）。", "Publish a new version of the code of conduct (market managers)."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: localized("UTF-8 文本文件，格式同 seeds/code-of-conduct.txt：第一行为“版本 N，YYYY-MM-DD 起施行”，之后每行一条。", "A UTF-8 text file like seeds/code-of-conduct.txt: first line 版本 N，YYYY-MM-DD 起施行, then one article per line."))
    var file: String

    func run() throws {
        try PublishFromFile.run(common, actor, file: file, kind: "conduct", what: LocalizedMessage(zh: "一份守则", en: "a code of conduct")) { text throws(CLIProblem) in
            do throws(SeedProblems) {
                return try CodeOfConduct.parse(text, fileName: file)
            } catch {
                throw CLIProblem(text: error.problems.map { $0.text(common.lang) }.joined(separator: "\n"))
            }
        } body: { conduct, _ in
            .conductPublished(conduct)
        } answer: { conduct, recorded in
            common.t("已发布守则第 \(conduct.version) 版（\(conduct.articles.count) 条，\(conduct.effectiveFrom) 起施行），记录 #\(recorded.sequence)",
                     "published version \(conduct.version) of the code of conduct (\(conduct.articles.count) articles, in force from \(conduct.effectiveFrom)), record #\(recorded.sequence)")
        }
    }
}
